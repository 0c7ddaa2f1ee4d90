import json
import uuid
from datetime import datetime

from odoo import SUPERUSER_ID, api
from odoo.tests import HttpCase, TransactionCase, new_test_user

from odoo.addons.omnichannel_chat.tests.jobs import run_jobs
from odoo.addons.omnichannel_whatsapp.tests.graph_api_standin import (
    GraphApiStandIn,
    message_webhook,
    sign,
    status_webhook,
)

APP_SECRET = "test-app-secret"
ACCESS_TOKEN = "test-access-token"
NUMBER_ID = "1122334455667"
WABA_ID = "5467539754836534"
DISPLAY_NUMBER = "972123456789"


class WhatsappCase(HttpCase):
    """A WhatsApp number whose Graph API is the local stand-in, reached over real HTTP
    through the account's base URL; Meta's webhooks posted signed to the real route."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.standin = GraphApiStandIn(
            access_token=ACCESS_TOKEN,
            phone_number_id=NUMBER_ID,
            waba_id=WABA_ID,
            display_phone_number=DISPLAY_NUMBER,
        ).start()
        cls.addClassCleanup(cls.standin.stop)
        agents = "omnichannel_chat.group_omnichannel_agent"
        cls.agent_ana = new_test_user(cls.env, "wa_ana", groups=agents, name="Ana WhatsApp")
        cls.agent_bruno = new_test_user(cls.env, "wa_bruno", groups=agents, name="Bruno WhatsApp")
        cls.manager = new_test_user(
            cls.env, "wa_marta", groups="omnichannel_chat.group_omnichannel_manager", name="Marta"
        )
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {"name": "WhatsApp team", "user_ids": [(6, 0, (cls.agent_ana | cls.agent_bruno).ids)]}
        )
        cls.account = cls.env["omnichannel.whatsapp.account"].create(
            {
                "name": "Support line",
                "waba_id": WABA_ID,
                "phone_number_id": NUMBER_ID,
                "display_phone_number": DISPLAY_NUMBER,
                "access_token": ACCESS_TOKEN,
                "app_secret": APP_SECRET,
                "graph_api_url": cls.standin.base_url,
                "team_id": cls.team.id,
            }
        )
        cls.Inbound = cls.env["omnichannel.inbound"]
        cls.Outbound = cls.env["omnichannel.outbound"]
        cls.Conversation = cls.env["omnichannel.conversation"]

    def setUp(self):
        super().setUp()
        self.standin.reset()

    # Meta's side ---------------------------------------------------------------------------

    def post_webhook(self, payload, secret=APP_SECRET, signature=None, headers=None):
        """POST a body as Meta does: JSON with ASCII escapes, signed with the app secret."""
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        all_headers = {"Content-Type": "application/json"}
        if signature is None and secret:
            signature = sign(body, secret)
        if signature is not None:
            all_headers["X-Hub-Signature-256"] = signature
        all_headers.update(headers or {})
        return self.url_open("/omnichannel/whatsapp/webhook", data=body, headers=all_headers)

    def customer_says(self, message, wa_id="34699000111", name="Carmen López", user_id=None):
        """A customer's message (Meta's ``messages[]`` item) through the webhook, processed."""
        message = dict(message)
        if wa_id:
            message.setdefault("from", wa_id)
        if user_id:
            message.setdefault("from_user_id", user_id)
        message.setdefault("id", f"wamid.test{self.next_id()}")
        message.setdefault("timestamp", str(int(self.now().timestamp())))
        body = message_webhook(NUMBER_ID, DISPLAY_NUMBER, WABA_ID, wa_id, name, message, user_id)
        response = self.post_webhook(body)
        self.assertEqual(response.status_code, 200, response.text)
        self.process()
        return self.Inbound.search([("kind", "=", "message"), ("external_id", "=", message["id"])])

    def text(self, body, **kwargs):
        return self.customer_says({"type": "text", "text": {"body": body}}, **kwargs)

    def status(self, wamid, status, recipient="34699000111", **extra):
        item = {
            "id": wamid,
            "status": status,
            "timestamp": str(int(self.now().timestamp())),
            "recipient_id": recipient,
            **extra,
        }
        response = self.post_webhook(status_webhook(NUMBER_ID, DISPLAY_NUMBER, WABA_ID, [item]))
        self.assertEqual(response.status_code, 200, response.text)
        self.process()

    _counter = [0]

    def next_id(self):
        self._counter[0] += 1
        return self._counter[0]

    def now(self):
        return datetime.now()

    # Odoo's side ---------------------------------------------------------------------------

    def process(self, include_delayed=False):
        """The inbound jobs, as queue_job's runner would run them."""
        return run_jobs(self.env, ("root.omnichannel_inbound",), include_delayed)

    def sweep(self):
        """The pipeline's cron: jobs for due items, late statuses, expired orphans."""
        self.Inbound._cron_process()
        return self.process()

    def send_due(self):
        """The outbound jobs; each sends its rows whose retry time has come."""
        return run_jobs(self.env, ("root.omnichannel_outbound",), include_delayed=True)

    def conversation_of(self, wa_id="34699000111"):
        partner = self.env["res.partner"].search([("whatsapp_wa_id", "=", wa_id)], limit=1)
        return self.Conversation.search([("partner_id", "=", partner.id)], limit=1)

    def customer_messages(self, conversation):
        return conversation.channel_id.message_ids.filtered(
            lambda m: m.author_id == conversation.partner_id
        ).sorted("id")

    def reply_as(self, user, conversation, body, **kwargs):
        """An agent's reply as Discuss posts it (the agent is a member once taken)."""
        return conversation.channel_id.with_user(user).message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_comment", **kwargs
        )


class CommittedAccountCase(TransactionCase):
    """A WhatsApp number and its team committed for real (for tests where several
    transactions run at once), removed with what they made at the end."""

    NUMBER_PREFIX = "committed"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.suffix = uuid.uuid4().hex[:10]
        cls.number = f"{cls.NUMBER_PREFIX}{cls.suffix}"
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            team = env["helpdesk.ticket.team"].create({"name": f"{cls.number} team"})
            account = env["omnichannel.whatsapp.account"].create(
                {
                    "name": f"{cls.number} line",
                    "waba_id": "1",
                    "phone_number_id": cls.number,
                    "app_secret": "s",
                    "access_token": "t",
                    "team_id": team.id,
                }
            )
            cls.account_id, cls.team_id = account.id, team.id
        cls.addClassCleanup(cls._cleanup)

    @classmethod
    def _cleanup(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            conversations = env["omnichannel.conversation"].search(
                [("whatsapp_account_id", "=", cls.account_id)]
            )
            partners = conversations.partner_id
            conversations.channel_id.unlink()
            env["queue.job"].search([("channel", "=", "root.omnichannel_inbound")]).filtered(
                lambda job: job.args[1:2] == [cls.account_id]
            ).unlink()
            env["omnichannel.whatsapp.account"].browse(cls.account_id).unlink()
            env["helpdesk.ticket.team"].browse(cls.team_id).unlink()
            partners.unlink()
