import json
import logging
from datetime import timedelta

import psycopg2
from psycopg2 import errorcodes

from odoo import SUPERUSER_ID, api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Seconds before the n-th retry of a failing item (its customer's later items wait with it).
BACKOFF_SECONDS = (10, 60, 300, 1800)
# A status may arrive before the send that produced it is recorded: kept this long.
ORPHAN_STATUS_TTL = timedelta(days=7)
# A body full of malformed items is recorded this far (each is logged).
MAX_REFUSALS_RECORDED = 50
INBOUND_CHANNEL = "root.omnichannel_inbound"
CONCURRENCY_ERRORS = (
    errorcodes.SERIALIZATION_FAILURE,
    errorcodes.DEADLOCK_DETECTED,
    errorcodes.LOCK_NOT_AVAILABLE,
)
# A customer's items processed by one job; more make another job.
BATCH_SIZE = 100


class OmnichannelInboundNotReady(Exception):
    """Raised by a provider's ``_process_inbound`` when the item cannot apply yet (a
    delivery status whose message is not recorded yet): the row waits for it."""


class OmnichannelInbound(models.Model):
    """What a source's webhook delivered, one row per message or status, unique on the source
    account and the provider's id. The webhook only stores rows (and commits) before
    answering; everything else (contacts, media, routing, bus) happens after, in order of
    arrival per customer, through the source's provider (``_process_inbound``).

    A part of a signed body that does not have the provider's shape is kept too, as a refused
    row with the reason, for managers to see; it is never processed."""

    _name = "omnichannel.inbound"
    _description = "Webhook item"
    _order = "id desc"

    source_id = fields.Many2one("omnichannel.source", required=True, ondelete="cascade", index=True)
    account_model = fields.Char(help="Model of the source's account (a number, a page).")
    account_id = fields.Many2oneReference(model_field="account_model")
    account_name = fields.Char(compute="_compute_account_name", string="Account name")
    kind = fields.Selection(
        [("message", "Message"), ("status", "Status"), ("other", "Other part")], required=True
    )
    external_id = fields.Char(string="Provider ID", required=True)
    status = fields.Char(required=True, default="", help="Status name, for a status.")
    contact_key = fields.Char(
        string="Customer",
        help="The customer's id at the provider: items are processed in order per customer.",
    )
    payload = fields.Text(required=True)
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("waiting", "Waiting for its message"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("refused", "Refused"),
        ],
        default="pending",
        required=True,
        index=True,
    )
    attempts = fields.Integer()
    next_attempt_date = fields.Datetime(
        help="A failing item is retried from this time; its customer's later items wait."
    )
    error = fields.Text()
    message_id = fields.Many2one("mail.message", ondelete="set null", readonly=True)

    _sql_constraints = [
        (
            "account_unless_refused",
            "CHECK(state = 'refused' OR account_id IS NOT NULL)",
            "A webhook item to process belongs to an account of its source.",
        ),
    ]

    def init(self):
        # One row per item of an account, whatever the retries (NULL account: refused parts).
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS omnichannel_inbound_item_unique
            ON omnichannel_inbound (source_id, COALESCE(account_id, 0), kind, external_id, status)
            """
        )
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS omnichannel_inbound_pending_order
            ON omnichannel_inbound (source_id, account_id, contact_key, id)
            WHERE state = 'pending'
            """
        )

    @api.depends("account_model", "account_id")
    def _compute_account_name(self):
        for row in self:
            account = row._get_account()
            row.account_name = account.display_name if account else False

    @api.model
    def _unlink_for_accounts(self, accounts):
        """A deleted account takes its rows with it."""
        # sudo: omnichannel.inbound - whoever may delete the account deletes its rows
        self.sudo().search(
            [("account_model", "=", accounts._name), ("account_id", "in", accounts.ids)]
        ).unlink()

    def _get_account(self):
        self.ensure_one()
        if not self.account_model or not self.account_id or self.account_model not in self.env:
            return None
        return self.env[self.account_model].browse(self.account_id)

    # ------------------------------------------------------------------------------------------
    # Storing (inside the webhook request: nothing else)
    # ------------------------------------------------------------------------------------------

    @api.model
    def _prepare_item(self, account, kind, external_id, payload, contact_key="", status=""):
        """One item of a verified body, as a source's parser hands it to ``_store_items``."""
        return {
            "account_model": account._name,
            "account_id": account.id,
            "kind": kind,
            "external_id": external_id,
            "status": status or "",
            "contact_key": contact_key or "",
            "payload": json.dumps(payload),
            "state": "pending",
            "error": None,
        }

    @api.model
    def _prepare_refusal(self, account, kind, path, problem, excerpt, fingerprint, contact_key=""):
        """A part of a verified body that the source's parser refused: logged, and kept for
        managers (``problem`` may be a lazy translation)."""
        error = f"{path}: {problem}"  # translated in self.env's language
        _logger.warning("%s webhook: refused %s", self._name, error)
        return {
            "account_model": account._name if account else None,
            "account_id": account.id if account else None,
            "kind": kind,
            "external_id": f"refused:{fingerprint}",
            "status": "",
            "contact_key": contact_key or "",
            "payload": excerpt,
            "state": "refused",
            "error": error,
        }

    @api.model
    def _store_items(self, source, items):
        """Insert the items not delivered before (a retry, a re-batched body or a concurrent
        duplicate inserts nothing) in one statement, then wake their processing. Returns how
        many are new and to process. A body's refusals are recorded up to a bound."""
        refusals = [item for item in items if item["state"] == "refused"]
        if len(refusals) > MAX_REFUSALS_RECORDED:
            more = len(refusals) - MAX_REFUSALS_RECORDED
            _logger.warning("%s webhook: %s more parts refused", source.code, more)
            dropped = {id(item) for item in refusals[MAX_REFUSALS_RECORDED:]}
            items = [item for item in items if id(item) not in dropped]
            last = refusals[MAX_REFUSALS_RECORDED - 1]
            last["error"] = self.env._(
                "%(error)s (and %(count)s more refused parts of the same notification)",
                error=last["error"],
                count=more,
            )
        if not items:
            return 0
        values = SQL(", ").join(
            SQL(
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 0, %s, %s, now() at time zone 'UTC', "
                "now() at time zone 'UTC')",
                source.id,
                item["account_model"],
                item["account_id"],
                item["kind"],
                item["external_id"],
                item["status"],
                item["contact_key"],
                item["payload"],
                item["state"],
                item["error"],
                self.env.uid,
                self.env.uid,
            )
            for item in items
        )
        self.env.cr.execute(
            SQL(
                "INSERT INTO omnichannel_inbound (source_id, account_model, account_id, kind, "
                "external_id, status, contact_key, payload, state, error, attempts, create_uid, "
                "write_uid, create_date, write_date) VALUES %s ON CONFLICT (source_id, "
                "COALESCE(account_id, 0), kind, external_id, status) DO NOTHING "
                "RETURNING state, account_id, contact_key",
                values,
            )
        )
        new = [
            (account, key) for state, account, key in self.env.cr.fetchall() if state == "pending"
        ]
        self._enqueue_processing(source.id, set(new))
        return len(new)

    # ------------------------------------------------------------------------------------------
    # Processing
    # ------------------------------------------------------------------------------------------

    # One job per customer's pending items, in the inbound channel: jobs of different
    # customers run at once on every worker of every host; one customer's items are processed
    # in arrival order by one job at a time (their rows are locked while it runs).

    @api.model
    def _enqueue_processing(self, source_id, keys, eta=None):
        """A job for each (account id, customer key), unless one is already waiting."""
        for account_id, contact_key in sorted(keys):
            self.with_delay(
                channel=INBOUND_CHANNEL,
                eta=eta,
                identity_key=f"omnichannel.inbound:{source_id}:{account_id}:{contact_key}",
                description=self.env._(
                    "Process the webhook items of %(customer)s", customer=contact_key
                ),
            )._job_process_customer(source_id, account_id, contact_key)

    @api.model
    def _job_process_customer(self, source_id, account_id, contact_key):
        """Process one customer's due items in order. A failing one stops the batch (it is
        retried with backoff, the later ones wait for it); an item already taken by a job that
        committed meanwhile makes PostgreSQL refuse the lock: queue_job retries this job,
        which then sees it done. Nothing is processed twice."""
        # sudo: omnichannel.inbound - webhook items are processed by the system user, as a
        # cron job would (the job was queued by the webhook's public user)
        Inbound = self.with_user(SUPERUSER_ID)
        Inbound.env.cr.execute(
            SQL(
                "SELECT id, next_attempt_date FROM omnichannel_inbound WHERE source_id = %s "
                "AND account_id = %s AND contact_key = %s AND state = 'pending' "
                "ORDER BY id LIMIT %s FOR UPDATE",
                source_id,
                account_id,
                contact_key,
                BATCH_SIZE + 1,
            )
        )
        locked = Inbound.env.cr.fetchall()
        now = fields.Datetime.now()
        for row_id, next_attempt_date in locked[:BATCH_SIZE]:
            if next_attempt_date and next_attempt_date > now:
                keys = {(account_id, contact_key)}
                return self._enqueue_processing(source_id, keys, eta=next_attempt_date)
            row = Inbound.browse(row_id)
            if not row._process_safely() and row.state == "pending":
                return None  # its retry is scheduled; the later items wait for it
        if len(locked) > BATCH_SIZE:
            self._enqueue_processing(source_id, {(account_id, contact_key)})
        return None

    @api.model
    def _cron_process(self):
        """The safety net: a job for every customer with due items and none waiting (a job
        that failed for good), the statuses whose message has been sent since, and the
        orphan statuses expired."""
        self.env.cr.execute(
            """
            SELECT DISTINCT source_id, account_id, contact_key FROM omnichannel_inbound
            WHERE state = 'pending'
              AND (next_attempt_date IS NULL OR next_attempt_date <= now() at time zone 'UTC')
            """
        )
        by_source = {}
        for source_id, account_id, contact_key in self.env.cr.fetchall():
            by_source.setdefault(source_id, set()).add((account_id, contact_key))
        for source_id, keys in by_source.items():
            self._enqueue_processing(source_id, keys)
        for row in self._get_waiting_statuses_now_known():
            row._process_safely()
        self._expire_waiting_statuses()

    def _process_safely(self):
        """Process one row in a savepoint: True when done; a failure is recorded on it."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._process()
            return self.state in ("done", "waiting")
        except psycopg2.OperationalError as error:
            if error.pgcode in CONCURRENCY_ERRORS:
                raise  # not the item's fault: the whole job is retried (queue_job does)
            _logger.warning("Webhook item %s not processed: %s", self.id, error)
            self._record_failure(error)
            return False
        except Exception as error:  # any failure: the row is kept, retried, shown
            _logger.warning("Webhook item %s not processed: %s", self.id, error)
            self._record_failure(error)
            return False

    def _process(self):
        self.ensure_one()
        # sudo: omnichannel.inbound - webhook items are processed for no user
        row = self.sudo().with_context(omnichannel_inbound=True)
        provider = row.source_id._get_provider()
        try:
            values = provider._process_inbound(row, json.loads(row.payload)) or {}
        except OmnichannelInboundNotReady as waiting:
            row.write({"state": "waiting", "error": str(waiting)})
            return
        row.write({"state": "done", "error": False, "next_attempt_date": False, **values})

    def _record_failure(self, error):
        self.ensure_one()
        attempts = self.attempts + 1
        values = {"attempts": attempts, "error": str(error)}
        if attempts >= MAX_ATTEMPTS:
            values["state"] = "failed"
        else:
            delay = BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1]
            values["next_attempt_date"] = fields.Datetime.now() + timedelta(seconds=delay)
        self.write(values)
        if self.state == "pending":
            keys = {(self.account_id, self.contact_key)}
            self._enqueue_processing(self.source_id.id, keys, eta=self.next_attempt_date)

    def action_retry(self):
        """Failed rows only: a refused one does not have the provider's shape and would
        fail the same way."""
        failed = self.filtered(lambda row: row.state == "failed")
        failed.write(
            {"state": "pending", "attempts": 0, "error": False, "next_attempt_date": False}
        )
        for source, rows in failed.grouped("source_id").items():
            keys = {(row.account_id, row.contact_key) for row in rows}
            # sudo: queue.job - managers retry items; the job is the pipeline's
            self.sudo()._enqueue_processing(source.id, keys)

    # ------------------------------------------------------------------------------------------
    # Statuses that arrive before their message is recorded
    # ------------------------------------------------------------------------------------------

    @api.model
    def _get_waiting_statuses_now_known(self):
        self.env.cr.execute(
            """
            SELECT inbound.id FROM omnichannel_inbound inbound
            JOIN omnichannel_outbound outbound
              ON outbound.external_id = inbound.external_id
             AND outbound.source_id = inbound.source_id
            WHERE inbound.state = 'waiting' AND inbound.kind = 'status'
            ORDER BY inbound.id
            """
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _apply_waiting_statuses(self, source, external_ids):
        """Statuses that arrived before their send was recorded."""
        waiting = self.search(
            [
                ("source_id", "=", source.id),
                ("kind", "=", "status"),
                ("state", "=", "waiting"),
                ("external_id", "in", external_ids),
            ],
            order="id",
        )
        for row in waiting:
            row._process()

    @api.model
    def _expire_waiting_statuses(self):
        """A status whose message never shows up (sent from another app on the same number)
        is kept a week, then marked failed: it stays in the log, out of the way."""
        self.search(
            [
                ("state", "=", "waiting"),
                ("create_date", "<", fields.Datetime.now() - ORPHAN_STATUS_TTL),
            ]
        ).write({"state": "failed"})
