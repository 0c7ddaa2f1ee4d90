from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import WhatsappCase


@tagged("post_install", "-at_install")
class TestAccount(WhatsappCase):
    def test_secrets_are_for_managers_only(self):
        as_manager = self.account.with_user(self.manager)
        self.assertEqual(as_manager.app_secret, "test-app-secret")
        self.assertTrue(as_manager.verify_token)
        as_agent = self.account.with_user(self.agent_ana)
        self.assertEqual(as_agent.name, "Support line")
        for secret in ("access_token", "app_secret", "verify_token"):
            with self.subTest(secret=secret), self.assertRaises(AccessError):
                as_agent.read([secret])
        with self.assertRaises(AccessError):
            as_agent.write({"name": "Hijacked"})

    def test_secrets_never_reach_the_log(self):
        self.standin.fail_next(
            path_contains="1122334455667", code=190, title="Invalid OAuth access token"
        )
        with self.assertLogs("odoo.addons.omnichannel_whatsapp", "DEBUG") as logs:
            with self.assertRaises(UserError):
                self.account.with_user(self.manager).action_test_connection()
        text = "\n".join(logs.output)
        self.assertNotIn("test-access-token", text)
        self.assertNotIn("test-app-secret", text)

    def test_connection_reads_the_number(self):
        action = self.account.with_user(self.manager).action_test_connection()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("Omnichannel Stand-in", action["params"]["message"])
        request = self.standin.requests[-1]
        self.assertEqual(request["path"], f"/v21.0/{self.account.phone_number_id}")
        self.assertEqual(request["headers"]["authorization"], "Bearer test-access-token")

    def test_connection_failure_shows_metas_exact_error(self):
        self.standin.fail_next(
            path_contains="1122334455667",
            code=100,
            http_status=400,
            title="Unsupported get request",
            details="Object with ID '1122334455667' does not exist",
        )
        with self.assertRaisesRegex(UserError, r"\(#100\) Unsupported get request: Object with ID"):
            self.account.with_user(self.manager).action_test_connection()
        self.account.graph_api_url = "http://127.0.0.1:9"  # nothing listens there
        with self.assertRaisesRegex(UserError, "Connection error"):
            self.account.with_user(self.manager).action_test_connection()
