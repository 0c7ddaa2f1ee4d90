from odoo import fields, models


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    channel_type = fields.Selection(
        selection_add=[("omnichannel", "Customer conversation")],
        ondelete={"omnichannel": "cascade"},
    )
    omnichannel_conversation_ids = fields.One2many(
        "omnichannel.conversation", "channel_id", string="Customer conversation"
    )

    def _prepare_omnichannel_channel_values(self, source, name):
        """Values of the channel of a new conversation; live chat keeps its own channels."""
        return {"name": name, "channel_type": "omnichannel"}
