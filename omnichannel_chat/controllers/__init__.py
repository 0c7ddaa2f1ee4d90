from . import attachment
from . import conversation
from . import thread
