from odoo import fields, models


class OmnichannelEvent(models.Model):
    _inherit = "omnichannel.event"

    kind = fields.Selection(
        selection_add=[
            ("visitor_left", "Visitor closed the chat"),
            ("session_end", "Chat session ended"),
            ("visitor_block", "Visitor blocked"),
        ],
        ondelete={
            "visitor_left": "cascade",
            "session_end": "cascade",
            "visitor_block": "cascade",
        },
    )
