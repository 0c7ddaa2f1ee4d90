import inspect

from werkzeug.exceptions import NotFound

from odoo.exceptions import UserError
from odoo.http import Controller, request, route


class OmnichannelConversationController(Controller):
    """The agent desk's JSON routes: one per workflow action, each a thin call of the model
    method of the same name, which checks the caller's rights and the conversation's state."""

    # route action -> model method; the parameters are the method's keyword arguments
    ACTIONS = {
        "take": "action_take",
        "accept_offer": "action_accept_offer",
        "decline_offer": "action_decline_offer",
        "expire_offer": "action_expire_offer",
        "transfer": "action_transfer",
        "invite": "action_invite",
        "accept_conference": "action_accept_conference",
        "decline_conference": "action_decline_conference",
        "end_conference": "action_end_conference",
        "leave_conference": "action_leave_conference",
        "resolve": "action_resolve",
        "reopen": "action_reopen",
        "archive": "action_archive",
        "unarchive": "action_unarchive",
        "add_tags": "action_add_tags",
        "remove_tags": "action_remove_tags",
        "post_note": "action_post_note",
        "mark_read": "action_mark_read",
        "mark_unread": "action_mark_unread",
        "create_ticket": "action_create_ticket",
        "link_ticket": "action_link_ticket",
        "update_contact": "action_update_contact",
        "assign": "action_assign",
        "add_contact": "action_add_contact",
        "ignore": "action_ignore",
    }

    @route(
        "/omnichannel/conversation/<int:conversation_id>/<string:action>", type="json", auth="user"
    )
    def conversation_action(self, conversation_id, action, **params):
        method = self.ACTIONS.get(action)
        if not method:
            raise NotFound()
        conversation = request.env["omnichannel.conversation"].browse(conversation_id)
        action_method = getattr(conversation, method)
        self._check_parameters(action, action_method, params)
        action_method(**params)
        return conversation._get_state_for_current_user()

    @staticmethod
    def _check_parameters(action, method, params):
        """Unknown or missing parameters are the caller's error, said as such."""
        try:
            inspect.signature(method).bind(**params)
        except TypeError as error:
            expected = ", ".join(inspect.signature(method).parameters) or "-"
            raise UserError(
                request.env._(
                    "Wrong parameters for “%(action)s” (it takes: %(expected)s).",
                    action=action,
                    expected=expected,
                )
            ) from error

    @route(
        "/omnichannel/conversation/<int:conversation_id>/quick_replies", type="json", auth="user"
    )
    def conversation_quick_replies(self, conversation_id, search=None, category_id=None, lang=None):
        conversation = request.env["omnichannel.conversation"].browse(conversation_id)
        return request.env["mail.canned.response"]._omnichannel_search(
            conversation, search=search, category_id=category_id, lang=lang
        )

    @route("/omnichannel/channel/<int:channel_id>/quick_replies", type="json", auth="user")
    def channel_quick_replies(self, channel_id, search=None):
        """What ``:shortcut`` offers in the composer of this channel: the quick replies of its
        conversation's team, filled for it; false on a channel that is no conversation."""
        if not request.env.user.has_group("omnichannel_chat.group_omnichannel_agent"):
            return False  # any user's `:` in any chat asks: Odoo's canned responses as they are
        conversation = request.env["omnichannel.conversation"].search(
            [("channel_id", "=", channel_id)], limit=1
        )
        if not conversation:
            return False
        return request.env["mail.canned.response"]._omnichannel_search(conversation, search=search)

    @route("/omnichannel/channel/<int:channel_id>/conversation", type="json", auth="user")
    def channel_conversation(self, channel_id):
        """The conversation on a Discuss channel, as its thread header shows it."""
        conversation = request.env["omnichannel.conversation"].search(
            [("channel_id", "=", channel_id)], limit=1
        )
        return conversation._get_state_for_current_user() if conversation else False

    @route("/omnichannel/conversation/<int:conversation_id>/info", type="json", auth="user")
    def conversation_info(self, conversation_id):
        return request.env["omnichannel.conversation"].browse(conversation_id)._get_info_panel()

    @route(
        "/omnichannel/conversation/<int:conversation_id>/history/<int:other_id>",
        type="json",
        auth="user",
    )
    def conversation_history(self, conversation_id, other_id):
        conversation = request.env["omnichannel.conversation"].browse(conversation_id)
        return conversation._get_history_conversation(other_id)

    @route("/omnichannel/transfer_targets", type="json", auth="user")
    def transfer_targets(self, search="", exclude_conversation_id=None):
        return request.env["omnichannel.conversation"]._get_transfer_targets(
            search, exclude_conversation_id
        )

    @route("/omnichannel/desk", type="json", auth="user")
    def desk(self, archived=False, sort="waiting", resolved=False):
        return request.env["omnichannel.conversation"]._get_desk(
            archived=archived, sort=sort, resolved=resolved
        )

    @route("/omnichannel/live_board", type="json", auth="user")
    def live_board(self):
        return request.env["omnichannel.conversation"]._get_live_board()

    @route("/omnichannel/agent/status", type="json", auth="user")
    def agent_status(self, status=None, reason=False):
        user = request.env.user
        user._omnichannel_set_status(status, reason)
        return user._get_omnichannel_agent_data()
