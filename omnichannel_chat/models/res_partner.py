from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    omnichannel_unconfirmed = fields.Boolean(
        string="Unknown sender",
        help="Created by a source from an unknown number: the agents add it to the contacts "
        "or ignore the conversation as spam.",
    )
