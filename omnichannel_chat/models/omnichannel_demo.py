from odoo import api, models


class OmnichannelDemo(models.AbstractModel):
    """Demo conversations for `make run`: played through the real routing and actions, so
    that their events, times and memberships are what production would record."""

    _name = "omnichannel.demo"
    _description = "Omnichannel demo data"

    @api.model
    def _populate_conversations(self, source_id, scripts):
        """Play each script: {customer, phone, team (xmlid), messages: [(author, text)],
        steps: [(user xmlid, action, kwargs)]}. An author is "customer", a user xmlid, or
        ("note", user xmlid) for an internal note. A script with ``visitor: True`` plays an
        anonymous website visitor (a guest) instead of a contact."""
        source = self.env["omnichannel.source"].browse(source_id)
        if self.env["omnichannel.conversation"].search_count(
            [("source_id", "=", source.id)], limit=1
        ):
            return  # played already: an update of the addon does not play it again
        for script in scripts:
            if script.get("visitor"):
                customer = self.env["mail.guest"].create(
                    {"name": script["customer"], "lang": script.get("lang")}
                )
            else:
                customer = self.env["res.partner"].create(
                    {
                        "name": script["customer"],
                        "phone": script["phone"],
                        "lang": script.get("lang"),
                    }
                )
            team = self.env.ref(script["team"])
            conversation = None
            for author, text in script["messages"]:
                if author == "customer":
                    conversation = self._demo_customer_message(source, customer, text, team)
                elif isinstance(author, tuple):
                    conversation.with_user(self.env.ref(author[1])).action_post_note(text)
                else:
                    conversation.channel_id.message_post(
                        body=text,
                        author_id=self.env.ref(author).partner_id.id,
                        message_type="comment",
                        subtype_xmlid="mail.mt_comment",
                    )
            for user, action, kwargs in script.get("steps", []):
                kwargs = {
                    key: self.env.ref(value).id if key.endswith("_id") else value
                    for key, value in kwargs.items()
                }
                getattr(conversation.with_user(self.env.ref(user)), action)(**kwargs)

    @api.model
    def _demo_customer_message(self, source, customer, text, team):
        """A customer's message as its source delivers it (a source addon plays its own
        inbound path here); returns the conversation. A guest writes as the public user does
        in the visitor's browser."""
        Conversation = self.env["omnichannel.conversation"]
        if customer._name == "res.partner":
            conversation, _message = Conversation._route_inbound_message(
                source, customer, text, team=team
            )
            return conversation
        conversation = Conversation._route_customer(source, guest=customer, team=team)
        visitor = self.env.ref("base.public_user")
        # sudo: discuss.channel - the visitor is a member of its own conversation
        conversation.channel_id.with_user(visitor).with_context(guest=customer).sudo().message_post(
            body=text, message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        return conversation
