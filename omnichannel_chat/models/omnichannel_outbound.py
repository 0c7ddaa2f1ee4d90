import logging
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
OUTBOUND_CHANNEL = "root.omnichannel_outbound"
# Seconds before the n-th retry of a transient error (providers ask to back off).
BACKOFF_SECONDS = (4, 16, 64, 256, 1024)


class OmnichannelSendError(Exception):
    """What a provider's ``_send_outbound`` raises when the provider refused or could not be
    reached. ``transient``: worth retrying later. ``account_blocked``: not this message's
    fault (a revoked token): it waits, with the account's other messages, for a fix."""

    def __init__(self, message, transient=False, account_blocked=False, maybe_delivered=False):
        super().__init__(message)
        self.transient = transient
        self.account_blocked = account_blocked
        # No answer at all (a timeout): the provider may have sent it anyway.
        self.maybe_delivered = maybe_delivered


class OmnichannelOutbound(models.Model):
    """One message (or reaction, or read receipt) to send to a customer through a source:
    queued by the agent's transaction, sent after its commit, in order per conversation,
    retried on transient errors without duplicates. The source's provider sends one row
    (``_send_outbound``); delivery statuses then come back through the webhook."""

    _name = "omnichannel.outbound"
    _description = "Message to send"
    _order = "id"

    source_id = fields.Many2one("omnichannel.source", required=True, ondelete="cascade", index=True)
    account_model = fields.Char(required=True)
    account_id = fields.Many2oneReference(model_field="account_model", required=True, index=True)
    conversation_id = fields.Many2one("omnichannel.conversation", ondelete="cascade", index=True)
    message_id = fields.Many2one("mail.message", ondelete="cascade", index="btree_not_null")
    kind = fields.Selection(
        [
            ("text", "Text"),
            ("media", "Attachment"),
            ("template", "Template"),
            ("reaction", "Reaction"),
            ("read", "Read receipt"),
        ],
        required=True,
    )
    recipient = fields.Char(required=True, help="The customer's id at the provider.")
    attachment_id = fields.Many2one("ir.attachment", ondelete="set null")
    text = fields.Text()
    reply_to_external_id = fields.Char(
        string="Answered message", help="The provider's id of the message answered."
    )
    payload = fields.Json(help="What else the provider sends (a template and its values).")
    tracker = fields.Char(
        required=True,
        index=True,
        default=lambda self: secrets.token_hex(12),
        help="Echoed by the provider in statuses: recognises a send whose answer was lost.",
    )
    external_id = fields.Char(string="Provider ID", index="btree_not_null", readonly=True)
    state = fields.Selection(
        [("queued", "Queued"), ("sent", "Sent"), ("failed", "Failed")],
        default="queued",
        required=True,
        index=True,
    )
    attempts = fields.Integer()
    next_attempt_date = fields.Datetime(default=fields.Datetime.now, required=True)
    error = fields.Char()

    @api.model
    def _unlink_for_accounts(self, accounts):
        """A deleted account takes its rows with it."""
        # sudo: omnichannel.outbound - whoever may delete the account deletes its rows
        self.sudo().search(
            [("account_model", "=", accounts._name), ("account_id", "in", accounts.ids)]
        ).unlink()

    def _get_account(self):
        self.ensure_one()
        return self.env[self.account_model].browse(self.account_id).exists()

    # ------------------------------------------------------------------------------------------
    # Queueing (in the agent's transaction)
    # ------------------------------------------------------------------------------------------

    @api.model
    def _prepare_values(self, conversation, account, recipient, kind, **values):
        return {
            "source_id": conversation.source_id.id,
            "account_model": account._name,
            "account_id": account.id,
            "conversation_id": conversation.id,
            "recipient": recipient,
            "kind": kind,
            **values,
        }

    @api.model
    def _enqueue(self, values_list):
        """Queue rows; they are sent once the current transaction commits."""
        # sudo: omnichannel.outbound - agents queue their messages; the queue is the source's
        records = self.sudo().create(values_list)
        records._enqueue_sending()
        return records

    def _enqueue_sending(self, eta=None):
        """A job per conversation of these rows (one at a time per conversation: its order),
        in the source's own channel, whose capacity keeps to the provider's rate limits."""
        # sudo: queue.job - the job is the pipeline's, whoever queued the message
        for conversation, rows in self.sudo().grouped("conversation_id").items():
            source = rows[:1].source_id
            rows.with_delay(
                channel=f"{OUTBOUND_CHANNEL}.{source.code}",
                eta=eta,
                identity_key=f"omnichannel.outbound:{conversation.id}",
                description=self.env._(
                    "Send the messages of %(conversation)s", conversation=conversation.display_name
                ),
            )._job_send_conversation(conversation.id)

    # ------------------------------------------------------------------------------------------
    # Sending (after the commit)
    # ------------------------------------------------------------------------------------------

    @api.model
    def _job_send_conversation(self, conversation_id):
        """Send a conversation's due rows in order; a row that must wait (backoff, account
        blocked) holds back the later ones. Rows are locked while sent: a job that committed
        them meanwhile makes PostgreSQL refuse the lock and queue_job retries this one."""
        # sudo: omnichannel.outbound - sent for the agent who queued them
        Outbound = self.sudo()
        Outbound.env.cr.execute(
            SQL(
                "SELECT id FROM omnichannel_outbound WHERE conversation_id = %s "
                "AND state = 'queued' ORDER BY id FOR UPDATE",
                conversation_id,
            )
        )
        now = fields.Datetime.now()
        for (row_id,) in Outbound.env.cr.fetchall():
            row = Outbound.browse(row_id)
            if row.next_attempt_date > now:
                row._enqueue_sending(eta=row.next_attempt_date)
                return
            row._send()
            if row.state == "queued":
                return  # retried later (its job is queued), or waiting for its account

    @api.model
    def _cron_send(self):
        """The safety net: a job for every conversation with due rows (after a job that failed
        for good, or an account fixed)."""
        self.search(
            [("state", "=", "queued"), ("next_attempt_date", "<=", fields.Datetime.now())]
        )._enqueue_sending()

    def _send(self):
        self.ensure_one()
        provider = self.source_id._get_provider()
        if not provider._can_send(self._get_account()):
            return  # queued until the account is fixed (its error says why)
        try:
            external_id = provider._send_outbound(self)
        except OmnichannelSendError as error:
            self._on_error(provider, error)
            return
        self._mark_sent(external_id)

    def _mark_sent(self, external_id):
        self.write(
            {
                "state": "sent",
                "external_id": external_id or False,
                "error": False,
                "attempts": self.attempts + 1,
            }
        )
        if self.message_id and external_id:
            self._apply_status("sent")
        if external_id:
            self.source_id._get_provider()._on_outbound_sent(self)
            self.env["omnichannel.inbound"]._apply_waiting_statuses(self.source_id, [external_id])

    def _on_error(self, provider, error):
        attempts = self.attempts + 1
        if error.account_blocked:
            provider._on_account_blocked(self._get_account(), error)
            self.write({"attempts": attempts, "error": str(error)})
            return
        if error.transient and attempts < MAX_ATTEMPTS:
            if error.maybe_delivered and self._already_delivered(provider):
                return
            delay = BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1]
            self.write(
                {
                    "attempts": attempts,
                    "error": str(error),
                    "next_attempt_date": fields.Datetime.now() + timedelta(seconds=delay),
                }
            )
            self._enqueue_sending(eta=self.next_attempt_date)
            return
        self.write({"state": "failed", "attempts": attempts, "error": str(error)})
        self._apply_status("failed", str(error))

    def _already_delivered(self, provider):
        """A timed-out send may have reached the provider: a status carrying our tracker
        says so."""
        external_id = provider._find_sent_by_tracker(self)
        if not external_id:
            return False
        self._mark_sent(external_id)
        return True

    def _apply_status(self, delivery, error=None):
        message = self.message_id
        if message and message._omnichannel_set_delivery(delivery, error):
            message._omnichannel_notify_delivery()

    @api.model
    def _find_for_status(self, source, external_id, tracker=None):
        """The row a delivery status speaks of: by the provider's id, else by our tracker (the
        answer to the send was lost, the status tells its id)."""
        outbound = self.search(
            [("source_id", "=", source.id), ("external_id", "=", external_id)], limit=1
        )
        if not outbound and tracker:
            outbound = self.search(
                [("source_id", "=", source.id), ("tracker", "=", tracker)], limit=1
            )
            if outbound and not outbound.external_id:
                outbound._mark_sent(external_id)
        return outbound

    def action_retry(self):
        failed = self.filtered(lambda row: row.state == "failed")
        failed.write(
            {
                "state": "queued",
                "attempts": 0,
                "error": False,
                "next_attempt_date": fields.Datetime.now(),
            }
        )
        failed._enqueue_sending()
