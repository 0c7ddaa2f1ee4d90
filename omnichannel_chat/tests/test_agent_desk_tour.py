from odoo.http import root
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestAgentDeskTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Read the addons' manifests once now: the browser's parallel first requests would
        # parse them in threads, which CPython 3.11.7's ast.parse does not survive (gh-106905).
        root.statics  # noqa: B018

    def test_demo_agent_opens_discuss(self):
        """A demo agent logs in and reaches Discuss, in a real Chromium."""
        self.start_tour("/odoo", "omnichannel_agent_opens_discuss", login="ana")

    def test_manager_reaches_conversations_and_configuration(self):
        self.start_tour("/odoo", "omnichannel_manager_configures", login="marta")

    def test_manager_opens_the_reports(self):
        """The demo manager opens both analyses (pivot and graph) in a real Chromium; the
        agent has no Reporting menu (tested beside the configuration below)."""
        marta = self.env.ref("omnichannel_chat.user_manager_marta")
        presence = self.env["bus.presence"].search([("user_id", "=", marta.id)])
        presence.unlink()
        self.env["bus.presence"].create({"user_id": marta.id, "status": "online"})
        self.start_tour("/odoo", "omnichannel_manager_reports", login="marta")

    def test_agent_has_no_configuration(self):
        menus = self.env["ir.ui.menu"].with_user(self.env.ref("omnichannel_chat.user_agent_ana"))
        visible = menus.search(
            [("id", "child_of", self.env.ref("omnichannel_chat.menu_omnichannel_root").id)]
        )
        self.assertIn(self.env.ref("omnichannel_chat.menu_omnichannel_conversations"), visible)
        self.assertNotIn(self.env.ref("omnichannel_chat.menu_omnichannel_configuration"), visible)
        self.assertNotIn(self.env.ref("omnichannel_chat.menu_omnichannel_reporting"), visible)
