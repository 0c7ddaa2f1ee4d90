from odoo import models


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    def _get_message_create_valid_field_names(self):
        # Meta's id is stored with the customer's message as it is posted.
        return super()._get_message_create_valid_field_names() | {"omnichannel_whatsapp_id"}
