from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# Meta's customer service window: free-form messages only within 24 h of the customer's last.
SERVICE_WINDOW = timedelta(hours=24)
# Auto-close ends a WhatsApp conversation this long before its window does, so that the
# closing message still reaches the customer (the auto-close cron runs every 5 minutes).
AUTOCLOSE_BEFORE_WINDOW_ENDS = timedelta(minutes=10)


class OmnichannelConversation(models.Model):
    _inherit = "omnichannel.conversation"

    whatsapp_account_id = fields.Many2one(
        "omnichannel.whatsapp.account",
        string="WhatsApp number",
        readonly=True,
        index="btree_not_null",
    )
    whatsapp_wa_id = fields.Char(
        string="Customer WhatsApp ID",
        readonly=True,
        help="Replies go to the id the customer wrote from, never to a rewritten number.",
    )
    whatsapp_last_inbound_date = fields.Datetime(
        string="Customer's last WhatsApp message", readonly=True
    )
    whatsapp_last_read_message_id = fields.Many2one("mail.message", readonly=True)
    whatsapp_window_expires = fields.Datetime(
        string="Free-form replies until", compute="_compute_whatsapp_window"
    )
    whatsapp_window_open = fields.Boolean(
        string="Free-form replies allowed", compute="_compute_whatsapp_window"
    )

    @api.depends("whatsapp_last_inbound_date")
    def _compute_whatsapp_window(self):
        now = fields.Datetime.now()
        for conversation in self:
            last = conversation.whatsapp_last_inbound_date
            conversation.whatsapp_window_expires = last and last + SERVICE_WINDOW
            conversation.whatsapp_window_open = bool(last) and now < last + SERVICE_WINDOW

    @api.model
    def _get_autoclose_due_sql(self, silent_since):
        # Past the window only templates reach the customer: a WhatsApp conversation closes
        # before its window ends (from Meta's time of the customer's last message), warned
        # at half that time, so that both messages arrive. LEAST skips a NULL window.
        return SQL(
            "LEAST(%s, c.whatsapp_last_inbound_date + %s)",
            super()._get_autoclose_due_sql(silent_since),
            SERVICE_WINDOW - AUTOCLOSE_BEFORE_WINDOW_ENDS,
        )

    def _get_desk_source_state(self):
        state = super()._get_desk_source_state()
        if self.whatsapp_account_id:
            expires = self.whatsapp_window_expires
            state["whatsapp"] = {
                "window_open": self.whatsapp_window_open,
                "window_seconds_left": (
                    max(0, int((expires - fields.Datetime.now()).total_seconds())) if expires else 0
                ),
            }
        return state

    def _whatsapp_record_inbound(self, account, wa_id, sent_at):
        """What the next replies need: the number written to, the id written from, the
        window's start (Meta's timestamp of the customer's message)."""
        values = {}
        if self.whatsapp_account_id != account:
            values["whatsapp_account_id"] = account.id
        if wa_id and self.whatsapp_wa_id != wa_id:
            values["whatsapp_wa_id"] = wa_id
        if sent_at and (
            not self.whatsapp_last_inbound_date or sent_at > self.whatsapp_last_inbound_date
        ):
            values["whatsapp_last_inbound_date"] = sent_at
        if values:
            self.write(values)

    def _whatsapp_mark_read_up_to(self, last_message_id):
        """Blue ticks for the customer up to the last of their messages an agent has seen."""
        # sudo: omnichannel.conversation - reading is allowed; the receipt is the source's
        conversation = self.sudo()
        last_read = conversation.whatsapp_last_read_message_id.id or 0
        # sudo: mail.message - the customer's messages of a conversation the agent reads
        message = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "discuss.channel"),
                    ("res_id", "=", conversation.channel_id.id),
                    ("author_id", "=", conversation.partner_id.id),
                    ("omnichannel_whatsapp_id", "!=", False),
                    ("id", ">", last_read),
                    ("id", "<=", last_message_id),
                ],
                order="id desc",
                limit=1,
            )
        )
        if message:
            conversation.whatsapp_last_read_message_id = message
            self.env["omnichannel.outbound"]._whatsapp_enqueue_read(conversation, message)

    def action_whatsapp_send_template(self):
        self.ensure_one()
        self._check_can_act()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send a WhatsApp template"),
            "res_model": "omnichannel.whatsapp.template.send",
            "view_mode": "form",
            "target": "new",
            "context": {"default_conversation_id": self.id},
        }
