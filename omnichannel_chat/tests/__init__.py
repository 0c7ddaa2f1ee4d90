from . import test_agent_desk_tour
from . import test_concurrency
from . import test_conversation_workflow
from . import test_routes
from . import test_routing
from . import test_security_groups
from . import test_translations
from . import test_visibility
