from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestWhatsappSource(TransactionCase):
    def test_declared_as_a_source(self):
        source = self.env.ref("omnichannel_whatsapp.source_whatsapp")
        self.assertEqual((source.code, source.icon), ("whatsapp", "fa-whatsapp"))
        self.assertEqual(source.ticket_channel_id.name, "WhatsApp")
