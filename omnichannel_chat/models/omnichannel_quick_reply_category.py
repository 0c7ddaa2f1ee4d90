from odoo import fields, models


class OmnichannelQuickReplyCategory(models.Model):
    _name = "omnichannel.quick.reply.category"
    _description = "Quick reply category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
