from odoo import api, fields, models

from odoo.addons.mail.tools.discuss import Store

# Forward-only: a state never moves back (a late "sent" after "read" is ignored).
DELIVERY_STATES = [
    ("pending", "Pending"),
    ("sent", "Sent"),
    ("delivered", "Delivered"),
    ("read", "Read"),
    ("played", "Played"),
    ("failed", "Failed"),
]
DELIVERY_RANK = {state: rank for rank, (state, _label) in enumerate(DELIVERY_STATES)}


class MailMessage(models.Model):
    _inherit = "mail.message"

    omnichannel_delivery_state = fields.Selection(
        DELIVERY_STATES, string="Delivery", readonly=True, copy=False
    )
    omnichannel_delivery_error = fields.Char(string="Delivery error", readonly=True, copy=False)

    def _is_omnichannel_internal_note(self):
        """Agents' eyes only: never delivered to the customer by any path."""
        self.ensure_one()
        return self.is_internal or bool(self.subtype_id.internal)

    def _omnichannel_note_bus_partners(self):
        """Where anything about this message goes instead of its channel's bus, when it is an
        internal note of a conversation: the channel's bus also reaches the customer (a
        live-chat guest, a portal contact), so a note's news go to the agents' own bus (those
        handling the conversation, and the internal user acting on it). None for any other
        message, which keeps its channel's bus."""
        self.ensure_one()
        # sudo: mail.message - whether a message the caller acts on is a note
        message = self.sudo()
        if message.model != "discuss.channel" or not message.res_id:
            return None
        if not message._is_omnichannel_internal_note():
            return None
        channel = self.env["discuss.channel"].browse(message.res_id)
        # sudo: omnichannel.conversation - who handles it gets the note's news
        conversation = channel._get_omnichannel_conversation().sudo()
        if not conversation:
            return None
        partners = conversation._get_agent_partners()
        if self.env.user and self.env.user._is_internal():
            partners |= self.env.user.partner_id
        return partners

    def _bus_send(self, notification_type, message, /, *, subchannel=None):
        """An edit, reaction, pin, link preview or deletion of a note is news for the agents
        only (see _omnichannel_note_bus_partners)."""
        others = self.browse()
        for record in self:
            partners = record._omnichannel_note_bus_partners()
            if partners is None:
                others |= record
            else:
                partners._bus_send(notification_type, message)
        return super(MailMessage, others)._bus_send(
            notification_type, message, subchannel=subchannel
        )

    @api.model
    def _get_with_access(self, message_id, operation, **kwargs):
        """A customer may not act on an agents' note (react to it, edit it) even though they
        may read its channel: Odoo falls back on the channel's access for guests."""
        message = super()._get_with_access(message_id, operation, **kwargs)
        if message and not self.env.user._is_internal():
            # sudo: mail.message - whether the message found is a note of a channel
            message_sudo = message.sudo()
            if (
                message_sudo.model == "discuss.channel"
                and message_sudo._is_omnichannel_internal_note()
            ):
                return self.browse()
        return message

    def _omnichannel_hides_note_parents(self):
        """Whether the store being built may reach a customer: a non-internal reader, or a
        payload for a conversation channel's bus (see discuss.channel._notify_thread)."""
        user = self.env.user
        return bool(
            self.env.context.get("omnichannel_customer_payload")
            or not (user and user._is_internal())
        )

    def _extras_to_store(self, store: Store, format_reply):
        """A public reply to an internal note does not carry the note (its body, its
        attachments) as the reply's parent to a customer."""
        if not format_reply or not self._omnichannel_hides_note_parents():
            return super()._extras_to_store(store, format_reply=format_reply)
        # sudo: mail.message - which messages quote a note (the note itself is not read out)
        hidden = self.sudo().filtered(
            lambda message: (
                message.model == "discuss.channel"
                and message.parent_id
                and message.parent_id._is_omnichannel_internal_note()
                and not message._is_omnichannel_internal_note()
            )
        )
        hidden = self.browse(hidden.ids)
        super(MailMessage, self - hidden)._extras_to_store(store, format_reply=format_reply)
        if hidden:
            super(MailMessage, hidden)._extras_to_store(store, format_reply=False)
            for message in hidden:
                store.add(message, {"parentMessage": False})
        return None

    def _omnichannel_set_delivery(self, state, error=None):
        """Record what the source reports: forward only; a failure keeps its reason.
        Returns whether the state changed."""
        self.ensure_one()
        current = self.omnichannel_delivery_state
        if current == "failed" or (current and DELIVERY_RANK[state] <= DELIVERY_RANK[current]):
            return False
        values = {"omnichannel_delivery_state": state}
        if state == "failed":
            values["omnichannel_delivery_error"] = error or self.env._("Unknown error")
        # sudo: mail.message - delivery states come from the source, not from a user
        self.sudo().write(values)
        return True

    def _omnichannel_notify_delivery(self):
        """Show the new delivery state (ticks) to whoever has the conversation open."""
        self.ensure_one()
        self._bus_send_store(self, self._omnichannel_delivery_store_values())

    def _omnichannel_delivery_store_values(self):
        return {
            "omnichannel_delivery_state": self.omnichannel_delivery_state or False,
            "omnichannel_delivery_error": self.omnichannel_delivery_error or False,
        }

    def _to_store(self, store: Store, /, **kwargs):
        result = super()._to_store(store, **kwargs)
        for message in self.filtered("omnichannel_delivery_state"):
            store.add(message, message._omnichannel_delivery_store_values())
        return result
