from . import attachment
from . import conversation
