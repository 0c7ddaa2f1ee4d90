from . import test_security_groups
from . import test_source
from . import test_queue_mode
from . import test_abuse
from . import test_internal_notes
from . import test_visitor_browser
from . import test_desk_actions
from . import test_desk_tours
