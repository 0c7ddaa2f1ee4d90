from datetime import timedelta

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import html2plaintext


def visitor_ip_address():
    """The IP address of the visitor's request, if this runs in one."""
    return request.httprequest.remote_addr if request else None


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    def message_post(self, **kwargs):
        if (
            self.channel_type == "livechat"
            and kwargs.get("message_type") == "comment"
            and not self.env.user._is_internal()
        ):
            self._omnichannel_check_visitor_post()
        return super().message_post(**kwargs)

    def _omnichannel_check_visitor_post(self):
        """A visitor posts only in an open session, unblocked, within the message limit."""
        self.ensure_one()
        # sudo: omnichannel.conversation - whether the visitor's own chat is resolved
        conversation = self._get_omnichannel_conversation().sudo()
        if not conversation:
            return
        # sudo: discuss.channel - the session state of the visitor's own chat
        if not self.sudo().livechat_active or conversation.state == "resolved":
            raise UserError(self.env._("This chat has ended. Start a new one to write to us."))
        guest = self.env["mail.guest"]._get_guest_from_context()
        ip_address = visitor_ip_address()
        self.env["omnichannel.livechat.block"]._check_visitor(ip_address, guest)
        # sudo: im_livechat.channel - the limit of the visitor's channel, a public setting
        limit = self.sudo().livechat_channel_id.omnichannel_max_messages_per_minute
        if not limit or not ip_address:
            return
        since = fields.Datetime.now() - timedelta(minutes=1)
        # sudo: omnichannel.conversation - the chats this address wrote in within the minute
        channels = (
            self.env["omnichannel.conversation"]
            .sudo()
            .search(
                [
                    ("livechat_visitor_ip", "=", ip_address),
                    ("last_customer_message_date", ">=", since),
                ]
            )
            .channel_id
        )
        # sudo: mail.message - counting those chats' recent visitor messages
        recent = (
            self.env["mail.message"]
            .sudo()
            .search_count(
                [
                    ("model", "=", "discuss.channel"),
                    ("res_id", "in", channels.ids),
                    ("author_guest_id", "!=", False),
                    ("create_date", ">=", since),
                ]
            )
            if channels
            else 0
        )
        if recent >= limit:
            raise UserError(self.env._("You are sending messages too fast. Please wait a minute."))

    def _close_livechat_session(self, **kwargs):
        was_active = self.livechat_active
        result = super()._close_livechat_session(**kwargs)
        # sudo: omnichannel.conversation - the session's end is logged, whoever ends it
        conversation = self._get_omnichannel_conversation().sudo()
        if not (was_active and conversation):
            return result
        if self.env.context.get("omnichannel_session_end"):
            # The visitor's widget learns at once that it can no longer write.
            self._bus_send_store(self, {"livechat_active": False})
        else:
            conversation._log_event("visitor_left", actor=None)
        return result

    def _get_visitor_leave_message(self, operator=False, cancel=False):
        if self.env.context.get("omnichannel_session_end"):
            return self.env._("The chat has ended. Thank you for contacting us!")
        return super()._get_visitor_leave_message(operator=operator, cancel=cancel)

    def _omnichannel_customer_messages(self):
        """The messages a visitor may see again (transcripts): internal notes left out."""
        return self.message_ids.filtered(lambda m: not m._is_omnichannel_internal_note())

    def _get_channel_history(self):
        if not self._get_omnichannel_conversation():
            return super()._get_channel_history()
        return Markup("").join(
            Markup("%s: %s<br/>")
            % (message.author_id.name or self.anonymous_name, html2plaintext(message.body))
            for message in self._omnichannel_customer_messages().sorted("id")
        )
