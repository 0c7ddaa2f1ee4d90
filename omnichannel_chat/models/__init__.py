from . import omnichannel_source
from . import omnichannel_resolution_reason
from . import omnichannel_event
from . import omnichannel_route_lock
from . import omnichannel_conversation
from . import helpdesk_ticket_team
from . import discuss_channel
from . import mail_message
