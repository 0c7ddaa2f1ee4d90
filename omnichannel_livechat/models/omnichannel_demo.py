from odoo import api, models


class OmnichannelDemo(models.AbstractModel):
    _inherit = "omnichannel.demo"

    @api.model
    def _demo_customer_message(self, source, customer, text, team):
        """Demo visitors chat the way the widget does: a live chat session of Odoo's demo
        channel (queue mode), then their message, as the visitor."""
        livechat_source = self.env.ref("omnichannel_livechat.source_livechat")
        if source != livechat_source or customer._name != "mail.guest":
            return super()._demo_customer_message(source, customer, text, team)
        Conversation = self.env["omnichannel.conversation"]
        conversation = Conversation._find_open(source, guest=customer)
        if not conversation:
            livechat_channel = self.env.ref("im_livechat.im_livechat_channel_data")
            values = livechat_channel._get_livechat_discuss_channel_vals(customer.name)
            channel = self.env["discuss.channel"].create(values)
            channel._add_members(guests=customer, post_joined_message=False)
            conversation = Conversation._route_customer(
                source, guest=customer, team=team, name=customer.name, channel=channel
            )
        visitor = self.env.ref("base.public_user")
        # sudo: discuss.channel - the visitor writes in its own chat
        conversation.channel_id.with_user(visitor).with_context(guest=customer).sudo().message_post(
            body=text, message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        return conversation
