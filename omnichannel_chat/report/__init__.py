from . import omnichannel_report_conversation
from . import omnichannel_report_agent
from . import omnichannel_report_segment
