from datetime import timedelta

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.mail.tools.discuss import Store
from odoo.addons.omnichannel_chat.tools.params import check_id, check_text


class OmnichannelConversation(models.Model):
    _inherit = "omnichannel.conversation"

    livechat_visitor_ip = fields.Char(string="Visitor IP address", readonly=True, index=True)

    def _is_livechat(self):
        """A website chat (a live chat session), as opposed to other sources' conversations."""
        self.ensure_one()
        livechat_source_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "omnichannel_livechat.source_livechat"
        )  # cached: no query on the hot path of every take
        return self.source_id.id == livechat_source_id and (
            # sudo: discuss.channel - its type, for a conversation the caller can act on
            self.sudo().channel_id.channel_type == "livechat"
        )

    def _on_owner_changed(self):
        """The visitor sees who answers: the owner becomes the chat's operator."""
        result = super()._on_owner_changed()
        live = self.filtered(lambda c: c.user_id and c._is_livechat())
        placeholder = self.env.ref("omnichannel_livechat.partner_queue") if live else None
        for conversation in live:
            # sudo: discuss.channel - the operator follows the owner the actions chose
            channel = conversation.sudo().channel_id
            operator = conversation.sudo().user_id.partner_id
            if channel.livechat_operator_id == operator:
                continue
            channel.channel_member_ids.filtered(lambda m: m.partner_id == placeholder).unlink()
            channel.livechat_operator_id = operator
            channel._bus_send_store(
                channel,
                {"operator": Store.one(operator, fields=["avatar_128", "user_livechat_username"])},
            )
            channel.message_post(
                body=Markup('<div class="o_mail_notification">%s</div>')
                % self.env._(
                    "%(agent)s joined the chat.",
                    agent=operator.user_livechat_username or operator.name,
                ),
                message_type="notification",
                subtype_xmlid="mail.mt_comment",
                author_id=operator.id,
            )
        return result

    def _get_available_actions(self):
        """A website chat's header also offers to end the session and to block its anonymous
        visitor, as action_end_session and action_block_visitor check them."""
        actions = super()._get_available_actions()
        # Not an agent (no actions at all), or another source: nothing more, and no query.
        if not actions or not self._is_livechat():
            return actions
        # Ending resolves: whoever may resolve may end it (owner or manager once taken, the
        # team while it queues), as long as the visitor's session is still open.
        # sudo: discuss.channel - the session state of a conversation the user can read
        if "resolve" in actions and self.sudo().channel_id.livechat_active:
            actions.append("end_session")
        if self.guest_id and self._can_act():
            actions.append("block_visitor")
        return actions

    def action_end_session(self, reason_id=None, note=None):
        """End a website chat: the visitor is told and can no longer post; the conversation is
        resolved with the reason."""
        self.ensure_one()
        self._check_agent()
        self._check_can_act()
        check_id(self.env, reason_id, "reason_id")
        check_text(self.env, note, "note")
        if not self._is_livechat():
            raise UserError(self.env._("Only a website chat has a session to end."))
        self._check_not_resolved()
        # sudo: discuss.channel - checked above; the session belongs to the conversation
        channel = self.sudo().channel_id
        if channel.livechat_active:
            channel.with_context(omnichannel_session_end=True)._close_livechat_session()
            self._log_event("session_end")
        return self.action_resolve(reason_id=reason_id, note=note)

    def action_block_visitor(self, reason=None, days=None):
        """Block the anonymous visitor of this chat (its guest and its IP address) for
        ``days`` (None: until a manager lifts it)."""
        self.ensure_one()
        self._check_agent()
        self._check_can_act()
        reason = check_text(self.env, reason, "reason")
        days = check_id(self.env, days, "days")
        if not self._is_livechat() or not self.guest_id:
            raise UserError(self.env._("Only an anonymous website visitor can be blocked."))
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the visitor is blocked."))
        # sudo: omnichannel.livechat.block - agents create blocks; managers manage them
        block = (
            self.env["omnichannel.livechat.block"]
            .sudo()
            .create(
                {
                    "guest_id": self.guest_id.id,
                    "ip_address": self.livechat_visitor_ip,
                    "reason": reason,
                    "date_end": days and fields.Datetime.now() + timedelta(days=days),
                    "conversation_id": self.id,
                }
            )
        )
        self._log_event("visitor_block", note=reason)
        return block.id
