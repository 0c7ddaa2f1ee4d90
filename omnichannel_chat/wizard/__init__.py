from . import omnichannel_conversation_assign
