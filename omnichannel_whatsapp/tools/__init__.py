from . import graph_api
