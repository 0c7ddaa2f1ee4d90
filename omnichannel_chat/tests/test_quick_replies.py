from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import OmnichannelHttpCase


@tagged("post_install", "-at_install")
class TestQuickReplies(OmnichannelHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["omnichannel.quick.reply.category"]
        cls.greetings = Category.create({"name": "Greetings"})
        cls.billing = Category.create({"name": "Billing"})
        Reply = cls.env["mail.canned.response"].with_user(cls.manager)
        agents = [(6, 0, cls.env.ref("omnichannel_chat.group_omnichannel_agent").ids)]
        cls.hello_en = Reply.create(
            {
                "source": "t-hello",
                "substitution": "Hi {{customer_first_name|there}}, "
                "I'm {{agent_first_name}} from {{team_name}}.",
                "omnichannel_category_id": cls.greetings.id,
                "omnichannel_lang": "en_US",
                "group_ids": agents,
            }
        )
        cls.hello_es = Reply.create(
            {
                "source": "t-hola",
                "substitution": "Hola {{customer_first_name|}}, soy {{agent_name}}. {{unknown}}",
                "omnichannel_category_id": cls.greetings.id,
                "omnichannel_lang": "es_ES",
                "group_ids": agents,
            }
        )
        cls.invoice_sales = Reply.create(
            {
                "source": "t-invoice",
                "substitution": "Your invoice is attached.",
                "omnichannel_category_id": cls.billing.id,
                "omnichannel_team_ids": [(6, 0, cls.team_sales.ids)],
                "group_ids": agents,
            }
        )

    def shortcuts(self, conversation, user, **filters):
        replies = (
            self.env["mail.canned.response"]
            .with_user(user)
            ._omnichannel_search(conversation.with_user(user), **filters)
        )
        mine = (self.hello_en | self.hello_es | self.invoice_sales).ids  # not the demo's
        return [reply["shortcut"] for reply in replies if reply["id"] in mine]

    def test_filled_with_the_conversation(self):
        conversation = self.route()
        replies = (
            self.env["mail.canned.response"]
            .with_user(self.agent_ana)
            ._omnichannel_search(conversation.with_user(self.agent_ana), search="t-hello")
        )
        self.assertEqual(replies[0]["text"], "Hi Customer, I'm Ana from Test Support.")
        self.assertEqual((replies[0]["category"], replies[0]["lang"]), ("Greetings", "en_US"))

    def test_fallback_and_unknown_placeholders(self):
        # A WhatsApp number nobody named yet: an address without a name.
        nameless = self.env["res.partner"].create(
            {"name": False, "type": "other", "phone": "+1555"}
        )
        conversation = self.route(partner=nameless)
        text = self.hello_en.with_user(self.agent_ana)._omnichannel_render(conversation)
        self.assertEqual(text, "Hi there, I'm Ana from Test Support.")
        text = self.hello_es.with_user(self.agent_ana)._omnichannel_render(conversation)
        self.assertEqual(text, "Hola , soy Ana Test. {{unknown}}")

    def test_filters_and_team_scope(self):
        support = self.route()
        self.assertEqual(sorted(self.shortcuts(support, self.agent_ana)), ["t-hello", "t-hola"])
        self.assertEqual(self.shortcuts(support, self.agent_ana, lang="es_ES"), ["t-hola"])
        self.assertEqual(self.shortcuts(support, self.agent_ana, category_id=self.billing.id), [])
        self.assertEqual(self.shortcuts(support, self.agent_ana, search="soy"), ["t-hola"])
        sales = self.route(
            partner=self.env["res.partner"].create({"name": "Buyer"}), team=self.team_sales
        )
        self.assertEqual(
            self.shortcuts(sales, self.agent_carla, category_id=self.billing.id), ["t-invoice"]
        )

    def test_only_for_conversations_the_agent_sees(self):
        conversation = self.route()
        with self.assertRaises(AccessError):
            self.shortcuts(conversation, self.agent_carla)

    def test_managers_curate_agents_use(self):
        Reply = self.env["mail.canned.response"].with_user(self.agent_ana)
        with self.assertRaises(AccessError):
            Reply.create(
                {"source": "mine", "substitution": "x", "omnichannel_category_id": self.billing.id}
            )
        with self.assertRaises(AccessError):
            self.hello_en.with_user(self.agent_ana).write({"substitution": "changed"})
        personal = Reply.create({"source": "mine", "substitution": "my own text"})  # Odoo's own use
        self.assertTrue(personal)
        self.hello_en.with_user(self.manager).write({"substitution": "Hello {{customer_name}}"})

    def test_route(self):
        conversation = self.route()
        result, error = self.call(
            self.agent_bruno,
            f"/omnichannel/conversation/{conversation.id}/quick_replies",
            search="t-hello",
        )
        self.assertIsNone(error)
        self.assertEqual([r["text"] for r in result], ["Hi Customer, I'm Bruno from Test Support."])
        with mute_logger("odoo.http"):
            result, error = self.call(
                self.agent_carla, f"/omnichannel/conversation/{conversation.id}/quick_replies"
            )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
