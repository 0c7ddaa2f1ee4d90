from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_spanish_and_brazilian_portuguese_load(self):
        """The shipped es and pt_BR catalogues load and translate the groups."""
        langs = ["es_ES", "pt_BR"]
        for code in langs:
            self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"]._load_module_terms(["omnichannel_chat"], langs, overwrite=True)
        manager = self.env.ref("omnichannel_chat.group_omnichannel_manager")
        self.assertEqual(manager.with_context(lang="es_ES").name, "Responsable")
        self.assertEqual(manager.with_context(lang="pt_BR").name, "Gerente")
