from odoo import fields, models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    omnichannel_conversation_ids = fields.One2many(
        "omnichannel.conversation", "ticket_id", string="Conversations"
    )
