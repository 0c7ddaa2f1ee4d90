from markupsafe import Markup

from odoo.http import root
from odoo.tests import tagged

from .common import WhatsappCase


@tagged("post_install", "-at_install")
class TestDeliveryTour(WhatsappCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Read the addons' manifests once now: the browser's parallel first requests would
        # parse them in threads, which CPython 3.11.7's ast.parse does not survive (gh-106905).
        root.statics  # noqa: B018

    def test_agent_sees_ticks_and_failures_in_discuss(self):
        """In a real Chromium, the agent reads each reply's delivery state in Discuss."""
        self.text("¿Dónde está mi pedido?")
        conversation = self.conversation_of()
        conversation.with_user(self.agent_ana).action_take()
        read = self.reply_as(self.agent_ana, conversation, Markup("<p>Sale hoy</p>"))
        self.send_due()
        self.status(read.omnichannel_whatsapp_id, "read")
        failed = self.reply_as(self.agent_ana, conversation, Markup("<p>Y mañana</p>"))
        self.standin.fail_next(
            path_contains="messages", code=131026, title="Message undeliverable", times=1
        )
        self.send_due()
        self.assertEqual(failed.omnichannel_delivery_state, "failed")
        self.start_tour(
            f"/odoo/discuss?active_id=discuss.channel_{conversation.channel_id.id}",
            "omnichannel_whatsapp_agent_sees_delivery",
            login=self.agent_ana.login,
        )
