from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    omnichannel_unconfirmed = fields.Boolean(
        string="Unknown sender",
        help="Created by a source from an unknown number: the agents add it to the contacts "
        "or ignore the conversation as spam.",
    )
    omnichannel_source_contact = fields.Boolean(
        string="Created by a source",
        readonly=True,
        help="Created by a chat source for a customer who wrote in: the agents of its "
        "conversations may correct it from the desk without the right to edit contacts.",
    )
