from odoo.addons.omnichannel_chat.controllers.conversation import (
    OmnichannelConversationController,
)


class OmnichannelLivechatConversationController(OmnichannelConversationController):
    ACTIONS = {
        **OmnichannelConversationController.ACTIONS,
        "end_session": "action_end_session",
        "block_visitor": "action_block_visitor",
    }
