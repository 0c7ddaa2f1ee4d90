from . import test_security_groups
from . import test_source
