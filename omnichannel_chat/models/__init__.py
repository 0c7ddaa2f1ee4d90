from . import (
    discuss_channel,
    helpdesk_ticket_team,
    omnichannel_conversation,
    omnichannel_event,
    omnichannel_resolution_reason,
    omnichannel_route_lock,
    omnichannel_source,
)
