from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestLivechatSource(TransactionCase):
    def test_declared_as_a_source(self):
        source = self.env.ref("omnichannel_livechat.source_livechat")
        self.assertEqual((source.code, source.icon), ("livechat", "fa-comments"))
        self.assertEqual(
            source.ticket_channel_id, self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web")
        )
        # Live chat visitors read the Discuss channel itself: no outbound provider.
        self.assertIsNone(source._get_provider())
