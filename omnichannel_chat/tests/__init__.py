from . import test_agent_desk_tour, test_security_groups, test_translations
