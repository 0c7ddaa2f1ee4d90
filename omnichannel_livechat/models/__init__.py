from . import im_livechat_channel
from . import discuss_channel
from . import omnichannel_conversation
from . import omnichannel_event
from . import omnichannel_livechat_block
from . import omnichannel_demo
