from odoo import models


class DiscussChannelMember(models.Model):
    _inherit = "discuss.channel.member"

    def _mark_as_read(self, last_message_id, sync=False):
        result = super()._mark_as_read(last_message_id, sync=sync)
        for member in self.filtered(
            lambda m: m.partner_id.user_ids.filtered(lambda u: not u.share)
        ):
            # sudo: omnichannel.conversation - the reading agent's own conversation; telling
            # WhatsApp it was read is the number's setting, not the agent's right
            conversation = member.channel_id._get_omnichannel_conversation().sudo()
            account = conversation.whatsapp_account_id
            if account and account.mark_read_on_agent_read:
                conversation._whatsapp_mark_read_up_to(last_message_id)
        return result
