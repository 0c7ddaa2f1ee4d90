from odoo import fields, models

# Channel types that may hold a customer conversation (live chat is im_livechat's).
CONVERSATION_CHANNEL_TYPES = ("omnichannel", "livechat")


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    channel_type = fields.Selection(
        selection_add=[("omnichannel", "Customer conversation")],
        ondelete={"omnichannel": "cascade"},
    )
    omnichannel_conversation_ids = fields.One2many(
        "omnichannel.conversation", "channel_id", string="Customer conversation"
    )

    def _prepare_omnichannel_channel_values(self, source, name):
        """Values of the channel of a new conversation; live chat keeps its own channels."""
        return {"name": name, "channel_type": "omnichannel"}

    def _get_omnichannel_conversation(self):
        """This channel's conversation, if it holds one (no query for other channels)."""
        self.ensure_one()
        if self.channel_type not in CONVERSATION_CHANNEL_TYPES:
            return self.env["omnichannel.conversation"]
        # sudo: omnichannel.conversation - the link itself; callers check access to act on it
        return self.sudo().omnichannel_conversation_ids[:1]

    def _message_post_after_hook(self, message, msg_vals):
        result = super()._message_post_after_hook(message, msg_vals)
        if conversation := self._get_omnichannel_conversation():
            conversation._on_message_posted(message)
        return result

    def _notify_thread(self, message, msg_vals=False, **kwargs):
        if self._get_omnichannel_conversation() and message._is_omnichannel_internal_note():
            self = self.with_context(omnichannel_note_message_id=message.id)
        return super()._notify_thread(message, msg_vals=msg_vals, **kwargs)

    def _bus_send(self, notification_type, message, /, *, subchannel=None):
        """An internal note's new-message notification goes to the agents' own bus only: the
        channel's bus also reaches the customer (a live-chat guest, a portal contact)."""
        note_id = self.env.context.get("omnichannel_note_message_id")
        if note_id and notification_type == "discuss.channel/new_message":
            for channel in self:
                agents = channel._get_omnichannel_conversation()._get_agent_partners()
                agents._bus_send(notification_type, message, subchannel=subchannel)
            return
        super()._bus_send(notification_type, message, subchannel=subchannel)
        if notification_type == "discuss.channel/new_message":
            # A queued conversation's messages also reach the team's agents, who are not
            # members until one takes it: the queue shows what the customer writes, live.
            for channel in self:
                conversation = channel._get_omnichannel_conversation()
                if conversation.state in ("queued", "offered"):
                    # sudo: discuss.channel.member - who is already a member, to skip them
                    waiting = (
                        conversation._get_agent_partners()
                        - channel.sudo().channel_member_ids.partner_id
                    )
                    waiting._bus_send(notification_type, message, subchannel=subchannel)
