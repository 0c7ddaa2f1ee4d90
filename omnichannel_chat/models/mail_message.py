from odoo import fields, models

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
