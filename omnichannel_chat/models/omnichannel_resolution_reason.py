from odoo import fields, models


class OmnichannelResolutionReason(models.Model):
    _name = "omnichannel.resolution.reason"
    _description = "Conversation resolution reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    is_system = fields.Boolean(
        readonly=True,
        help="Set by the system only (e.g. auto-closed for inactivity); agents cannot pick it.",
    )
    allow_reopen = fields.Boolean(
        default=True,
        help="A customer writing within the team's reopen tolerance reopens the conversation. "
        "Off for reasons such as spam: a new message then starts a new conversation.",
    )
