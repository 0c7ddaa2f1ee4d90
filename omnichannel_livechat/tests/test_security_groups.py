from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestLivechatGroups(TransactionCase):
    def test_agent_is_livechat_operator(self):
        agent = new_test_user(
            self.env, login="omni_lc_agent", groups="omnichannel_chat.group_omnichannel_agent"
        )
        self.assertTrue(agent.has_group("im_livechat.im_livechat_group_user"))
        self.assertFalse(agent.has_group("im_livechat.im_livechat_group_manager"))

    def test_manager_administers_livechat(self):
        manager = new_test_user(
            self.env, login="omni_lc_manager", groups="omnichannel_chat.group_omnichannel_manager"
        )
        self.assertTrue(manager.has_group("im_livechat.im_livechat_group_manager"))
