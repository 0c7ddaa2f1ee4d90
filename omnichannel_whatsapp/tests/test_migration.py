import importlib.util
from pathlib import Path

from odoo.tests import TransactionCase, tagged

MIGRATION = Path(__file__).parents[1] / "migrations" / "18.0.1.1.0" / "post-migrate.py"


def load_migration():
    spec = importlib.util.spec_from_file_location("omnichannel_whatsapp_post_migrate", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestMoveToCorePipeline(TransactionCase):
    """A database installed before the core pipeline had WhatsApp's own webhook log and send
    queue: the update moves their rows, in order, into omnichannel.inbound / outbound."""

    def test_rows_move_in_order(self):
        cr = self.env.cr
        account = self.env["omnichannel.whatsapp.account"].create(
            {"name": "Old line", "waba_id": "1", "phone_number_id": "5550001", "app_secret": "s"}
        )
        partner = self.env["res.partner"].create({"name": "Old customer"})
        source = self.env.ref("omnichannel_whatsapp.source_whatsapp")
        team = self.env["helpdesk.ticket.team"].create({"name": "Old team"})
        conversation = self.env["omnichannel.conversation"]._route_customer(
            source, partner=partner, team=team
        )
        # The tables as 18.0.1.0.0 created them.
        cr.execute(
            """
            CREATE TABLE omnichannel_whatsapp_inbound (
                id serial PRIMARY KEY, account_id int, kind varchar, external_id varchar,
                status varchar, contact_key varchar, payload text, state varchar,
                attempts int, error text, message_id int, create_uid int,
                create_date timestamp, write_uid int, write_date timestamp);
            CREATE TABLE omnichannel_whatsapp_outbound (
                id serial PRIMARY KEY, account_id int, conversation_id int, message_id int,
                kind varchar, recipient varchar, attachment_id int, text text,
                reply_to_wamid varchar, template_payload jsonb, tracker varchar, wamid varchar,
                state varchar, attempts int, next_attempt_date timestamp, error varchar,
                create_uid int, create_date timestamp, write_uid int, write_date timestamp);
            """
        )
        rows = [
            ("message", "wamid.old2", "", "pending", None),
            ("message", "wamid.old1", "", "done", None),
            ("status", "wamid.sent1", "read", "waiting", "No message sent with this id (yet)."),
            ("message", "wamid.old3", "", "failed", "Graph API error"),
        ]
        for kind, external_id, status, state, error in rows:
            cr.execute(
                "INSERT INTO omnichannel_whatsapp_inbound (account_id, kind, external_id, "
                "status, contact_key, payload, state, attempts, error, create_date) VALUES "
                "(%s, %s, %s, %s, '34699000111', '{}', %s, 1, %s, now())",
                (account.id, kind, external_id, status, state, error),
            )
        cr.execute(
            "INSERT INTO omnichannel_whatsapp_outbound (account_id, conversation_id, kind, "
            "recipient, text, reply_to_wamid, template_payload, tracker, wamid, state, "
            "attempts, next_attempt_date, error) VALUES (%s, %s, 'template', '34699000111', "
            "NULL, 'wamid.ctx', '{\"name\": \"hello\"}', 'tr1', 'wamid.sent1', 'sent', 1, "
            "now(), NULL)",
            (account.id, conversation.id),
        )

        load_migration().migrate(cr, "18.0.1.0.0")

        moved = self.env["omnichannel.inbound"].search(
            [("external_id", "like", "wamid.%"), ("account_id", "=", account.id)], order="id"
        )
        self.assertEqual(
            [(r.kind, r.external_id, r.status, r.state, r.error or None) for r in moved],
            rows,
        )
        self.assertEqual(moved.mapped("source_id"), source)
        self.assertEqual(moved[0]._get_account(), account)
        (outbound,) = self.env["omnichannel.outbound"].search([("tracker", "=", "tr1")])
        self.assertEqual(
            (outbound.kind, outbound.external_id, outbound.reply_to_external_id, outbound.state),
            ("template", "wamid.sent1", "wamid.ctx", "sent"),
        )
        self.assertEqual(outbound.payload, {"name": "hello"})
        self.assertEqual(outbound._get_account(), account)
        cr.execute("SELECT to_regclass('omnichannel_whatsapp_inbound')")
        self.assertEqual(cr.fetchone(), (None,), "the old tables are dropped")
        # The moved waiting status now finds its message.
        self.assertEqual(
            self.env["omnichannel.inbound"]._get_waiting_statuses_now_known(), moved[2]
        )
