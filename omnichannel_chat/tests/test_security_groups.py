from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSecurityGroups(TransactionCase):
    def test_manager_implies_agent(self):
        manager = new_test_user(
            self.env, login="omni_manager", groups="omnichannel_chat.group_omnichannel_manager"
        )
        self.assertTrue(manager.has_group("omnichannel_chat.group_omnichannel_agent"))
        self.assertTrue(manager.has_group("base.group_user"))

    def test_agent_is_not_manager(self):
        agent = new_test_user(
            self.env, login="omni_agent", groups="omnichannel_chat.group_omnichannel_agent"
        )
        self.assertTrue(agent.has_group("base.group_user"))
        self.assertFalse(agent.has_group("omnichannel_chat.group_omnichannel_manager"))

    def test_admin_is_manager(self):
        self.assertTrue(
            self.env.ref("base.user_admin").has_group("omnichannel_chat.group_omnichannel_manager")
        )
