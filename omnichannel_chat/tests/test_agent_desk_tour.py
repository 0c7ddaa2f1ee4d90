from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestAgentDeskTour(HttpCase):
    def test_demo_agent_opens_discuss(self):
        """A demo agent logs in and reaches Discuss, in a real Chromium."""
        self.start_tour("/odoo", "omnichannel_agent_opens_discuss", login="ana")
