from . import conversation
from . import main
