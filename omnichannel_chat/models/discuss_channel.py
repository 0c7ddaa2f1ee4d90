from lxml import etree, html
from markupsafe import Markup, escape

from odoo import fields, models

# Channel types that may hold a customer conversation (live chat is im_livechat's).
CONVERSATION_CHANNEL_TYPES = ("omnichannel", "livechat")

# The tags after which a customer's text goes on a new line (Discuss's composer sends <br/>).
LINE_TAGS = {"br", "p", "div", "li", "tr", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}


def html_to_text(body):
    """The text of an HTML body, line breaks kept, every tag and what it loads left out."""
    if not body or not str(body).strip():
        return ""
    try:
        root = html.fragment_fromstring(str(body), create_parent="div")
    except etree.ParserError:
        return str(body).strip()
    for element in list(root.iter("script", "style", "template")):
        element.drop_tree()
    for element in root.iter():
        if element.tag in LINE_TAGS:
            element.tail = "\n" + (element.tail or "")
    return root.text_content().strip()


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

    def _get_omnichannel_conversation(self):
        """This channel's conversation, if it holds one (no query for other channels), in
        the caller's environment: reading it goes through the record rules, and the hooks
        that run for a customer or the system say so with their own sudo()."""
        self.ensure_one()
        if self.channel_type not in CONVERSATION_CHANNEL_TYPES:
            return self.env["omnichannel.conversation"]
        # sudo: omnichannel.conversation - which conversation the channel holds, returned
        # without the superuser
        return self.sudo().omnichannel_conversation_ids[:1].with_env(self.env)

    def _message_post_after_hook(self, message, msg_vals):
        result = super()._message_post_after_hook(message, msg_vals)
        if conversation := self._get_omnichannel_conversation():
            # sudo: omnichannel.conversation - its figures and routing follow every message,
            # whoever posts it (a customer, a visitor, an agent)
            conversation.sudo()._on_message_posted(message)
        return result

    def _notify_thread(self, message, msg_vals=False, **kwargs):
        if self._get_omnichannel_conversation():
            if message._is_omnichannel_internal_note():
                self = self.with_context(omnichannel_note_message_id=message.id)
            else:
                # What this posting sends on the channel's bus reaches the customer: a reply
                # quoting a note does not carry the note (mail.message._extras_to_store).
                message = message.with_context(omnichannel_customer_payload=True)
        return super()._notify_thread(message, msg_vals=msg_vals, **kwargs)

    def _notify_get_recipients(self, message, msg_vals, **kwargs):
        """A note notifies no customer, even mentioned: no e-mail, no inbox, no web push
        (Discuss pushes every member's device, the customer's included)."""
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        if self.env.context.get("omnichannel_note_message_id") == message.id:
            recipients = [recipient for recipient in recipients if not recipient["share"]]
        return recipients

    def message_post(self, **kwargs):
        if (
            not self.env.su
            and not self.env.user._is_internal()
            and self._get_omnichannel_conversation()
        ):
            # A customer calling the model itself (a portal user through call_kw): the same
            # plain comment of text as through Discuss's routes.
            kwargs = self._omnichannel_prepare_customer_post(kwargs)
            kwargs.pop("subtype_id", None)
            kwargs["is_internal"] = False
        if self.env.context.get("omnichannel_note_message_id") and (
            kwargs.get("message_type", "notification") == "notification"
        ):
            # A notice about a note (Discuss's "pinned a message") is for the agents as well.
            kwargs["is_internal"] = True
        return super().message_post(**kwargs)

    def set_message_pin(self, message_id, pinned):
        """Pinning or unpinning a note tells the agents only (the pin, and its notice)."""
        # sudo: mail.message - whether the message pinned in this channel is a note
        message = (
            self.env["mail.message"]
            .sudo()
            .search(
                [("id", "=", int(message_id)), ("model", "=", self._name), ("res_id", "=", self.id)]
            )
        )
        if message and message._omnichannel_note_bus_partners() is not None:
            self = self.with_context(omnichannel_note_message_id=message.id)
        return super().set_message_pin(message_id, pinned)

    def _message_update_content(
        self, message, body, attachment_ids=None, partner_ids=None, **kwargs
    ):
        if body and not self.env.user._is_internal() and self._get_omnichannel_conversation():
            body = self._omnichannel_customer_body(body)  # a customer's edit, as their post
        return super()._message_update_content(
            message, body, attachment_ids=attachment_ids, partner_ids=partner_ids, **kwargs
        )

    def _omnichannel_prepare_customer_post(self, post_data):
        """What a customer (guest, portal contact) posts through Discuss's routes in a
        conversation: always a plain comment of text. Not an internal note nor a system line
        (whatever message type and subtype the request says), no live HTML (an image loading
        when the agent opens it, a link), and no reply quoting an agents' note."""
        self.ensure_one()
        if not self._get_omnichannel_conversation():
            return post_data
        values = dict(post_data, message_type="comment", subtype_xmlid="mail.mt_comment")
        if "body" in values:
            values["body"] = self._omnichannel_customer_body(values["body"])
        if values.get("parent_id"):
            # sudo: mail.message - whether the quoted message is a note (not read out)
            parent_id = values["parent_id"]
            parent = (
                self.env["mail.message"]
                .sudo()
                .browse(
                    parent_id
                    if isinstance(parent_id, int) and not isinstance(parent_id, bool)
                    else ()
                )
                .exists()
            )
            if not parent or parent._is_omnichannel_internal_note():
                values["parent_id"] = False
        return values

    def _omnichannel_customer_body(self, body):
        """A customer's message as text: its HTML (Discuss's composer sends some: line
        breaks, links) reduced to its text, escaped, lines kept."""
        text = html_to_text(body)
        return Markup("<br>").join(escape(line) for line in text.split("\n")) if text else ""

    def _bus_send(self, notification_type, message, /, *, subchannel=None):
        """What a channel sends about an internal note (the note itself, its pin) goes to the
        agents' own bus only: the channel's bus also reaches the customer (a live-chat guest,
        a portal contact)."""
        note_id = self.env.context.get("omnichannel_note_message_id")
        if note_id:
            partners = self.env["mail.message"].browse(note_id)._omnichannel_note_bus_partners()
            if partners is not None:
                partners._bus_send(notification_type, message)
                return
        super()._bus_send(notification_type, message, subchannel=subchannel)
        if notification_type == "discuss.channel/new_message":
            # A queued conversation's messages also reach the team's agents, who are not
            # members until one takes it: the queue shows what the customer writes, live.
            for channel in self:
                # sudo: omnichannel.conversation - its state and agents decide who else is told
                conversation = channel._get_omnichannel_conversation().sudo()
                if conversation.state in ("queued", "offered"):
                    # sudo: discuss.channel.member - who is already a member, to skip them
                    waiting = (
                        conversation._get_agent_partners()
                        - channel.sudo().channel_member_ids.partner_id
                    )
                    waiting._bus_send(notification_type, message, subchannel=subchannel)
