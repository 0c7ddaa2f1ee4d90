from . import test_source
