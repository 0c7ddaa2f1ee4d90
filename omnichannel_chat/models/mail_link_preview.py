from odoo import models


class MailLinkPreview(models.Model):
    _inherit = "mail.link.preview"

    def _bus_send(self, notification_type, message, /, *, subchannel=None):
        """The preview of a link in an internal note (shown, hidden, removed) goes where the
        note's news go: to the agents only."""
        others = self.browse()
        for preview in self:
            partners = None
            if preview.message_id:
                partners = preview.message_id._omnichannel_note_bus_partners()
            if partners is None:
                others |= preview
            else:
                partners._bus_send(notification_type, message)
        return super(MailLinkPreview, others)._bus_send(
            notification_type, message, subchannel=subchannel
        )
