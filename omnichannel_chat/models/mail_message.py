from odoo import models


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _is_omnichannel_internal_note(self):
        """Agents' eyes only: never delivered to the customer by any path."""
        self.ensure_one()
        return self.is_internal or bool(self.subtype_id.internal)
