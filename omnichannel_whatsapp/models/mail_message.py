from odoo import fields, models


class MailMessage(models.Model):
    _inherit = "mail.message"

    omnichannel_whatsapp_id = fields.Char(
        string="WhatsApp message ID",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="Meta's id (wamid) of this message: replies, reactions and edits refer to it.",
    )

    def _message_reaction(self, content, action, partner, guest, store=None):
        result = super()._message_reaction(content, action, partner, guest, store=store)
        if not self.env.context.get("omnichannel_inbound") and partner.user_ids.filtered(
            lambda user: not user.share
        ):
            self.env["omnichannel.outbound"]._whatsapp_enqueue_reaction(self, content, action)
        return result
