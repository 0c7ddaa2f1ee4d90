from markupsafe import Markup

from odoo import http
from odoo.http import request

from odoo.addons.im_livechat.controllers.main import LivechatController
from odoo.addons.mail.models.discuss.mail_guest import add_guest_to_context
from odoo.addons.mail.tools.discuss import Store


class OmnichannelLivechatController(LivechatController):
    """Queue mode on Odoo's own live chat routes (the CORS twins call these methods too)."""

    @http.route()
    def livechat_init(self, channel_id):
        result = super().livechat_init(channel_id)
        # sudo: im_livechat.channel - public settings of the channel the visitor opens
        livechat_channel = request.env["im_livechat.channel"].sudo().browse(channel_id)
        if livechat_channel.exists().omnichannel_queue_mode and not result["available_for_me"]:
            rule = result.get("rule") or {}
            result["available_for_me"] = rule.get("action") != "hide_button"
        return result

    @http.route()
    @add_guest_to_context
    def get_session(
        self,
        channel_id,
        anonymous_name,
        previous_operator_id=None,
        chatbot_script_id=None,
        persisted=True,
        **kwargs,
    ):
        # sudo: im_livechat.channel - public settings of the channel the visitor opens
        livechat_channel = request.env["im_livechat.channel"].sudo().browse(channel_id).exists()
        if not livechat_channel or not livechat_channel._omnichannel_queue_active(
            chatbot_script_id
        ):
            return super().get_session(
                channel_id,
                anonymous_name,
                previous_operator_id,
                chatbot_script_id,
                persisted,
                **kwargs,
            )
        guest = request.env["mail.guest"]._get_guest_from_context()
        ip_address = request.httprequest.remote_addr
        if persisted:
            livechat_channel._omnichannel_check_new_session(ip_address, guest)
            if guest and (channel := self._omnichannel_open_channel_of(livechat_channel, guest)):
                return self._omnichannel_session_store(channel, guest)
        result = super().get_session(
            channel_id,
            anonymous_name,
            previous_operator_id,
            chatbot_script_id,
            persisted,
            **kwargs,
        )
        if persisted and result:
            channel_id = result["discuss.channel"][0]["id"]
            # sudo: discuss.channel - the chat the visitor has just opened
            channel = request.env["discuss.channel"].sudo().browse(channel_id)
            self._omnichannel_queue(livechat_channel, channel, ip_address)
        return result

    def _omnichannel_open_channel_of(self, livechat_channel, guest):
        """A returning visitor's unresolved chat on this channel: they go back to it."""
        # sudo: omnichannel.conversation - the visitor's own conversations
        conversation = (
            request.env["omnichannel.conversation"]
            .sudo()
            .search(
                [
                    ("guest_id", "=", guest.id),
                    ("state", "!=", "resolved"),
                    ("channel_id.livechat_channel_id", "=", livechat_channel.id),
                    ("channel_id.livechat_active", "=", True),
                ],
                limit=1,
            )
        )
        return conversation.channel_id

    def _omnichannel_session_store(self, channel, guest):
        store = Store()
        channel = channel.with_context(guest=guest)
        store.add(channel)
        store.add(channel, {"isLoaded": True, "scrollUnread": False})
        store.add({"guest_token": guest._format_auth_cookie()})
        request.env["res.users"]._init_store_data(store)
        return store.get_result()

    def _omnichannel_queue(self, livechat_channel, channel, ip_address):
        """The new chat becomes a queued conversation; the visitor is told to wait."""
        guest = channel.channel_member_ids.guest_id[:1]
        partner = channel.channel_member_ids.partner_id.filtered(
            lambda p: p != channel.livechat_operator_id
        )[:1]
        source = request.env.ref("omnichannel_livechat.source_livechat")
        # sudo: omnichannel.conversation - sources route as superuser, after their checks
        conversation = (
            request.env["omnichannel.conversation"]
            .sudo()
            ._route_customer(
                source,
                partner=None if guest else partner,
                guest=guest or None,
                team=livechat_channel._omnichannel_get_team(),
                name=channel.name,
                channel=channel,
            )
        )
        conversation.livechat_visitor_ip = ip_address
        channel.message_post(
            body=Markup("<p>%s</p>") % livechat_channel.omnichannel_waiting_message,
            author_id=channel.livechat_operator_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return conversation
