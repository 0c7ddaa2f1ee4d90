from odoo.http import root
from odoo.tests import tagged

from odoo.addons.bus.tests.common import WebsocketCase

from .common import LivechatCase

# Runs in the visitor's page (the widget lives in an open shadow root): open the chat, write,
# let the agent answer and write a note (test tooling route, the agent's real actions), then
# see the reply arrive once over the websocket, and never the note.
VISITOR = """
(async () => {
    const waitFor = async (find, what, timeout = 30000) => {
        const start = Date.now();
        while (Date.now() - start < timeout) {
            const found = find();
            if (found) {
                return found;
            }
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error(`visitor test: timed out waiting for ${what}`);
    };
    try {
        await odoo.livechatReady;
        const root = await waitFor(
            () => document.querySelector(".o-livechat-root")?.shadowRoot, "the widget"
        );
        const messages = (text) =>
            [...root.querySelectorAll(".o-mail-Message")].filter((m) =>
                m.textContent.includes(text)
            );
        const button = await waitFor(
            () => root.querySelector(".o-livechat-LivechatButton"), "the button"
        );
        button.click();
        const input = await waitFor(
            () => root.querySelector(".o-mail-Composer-input"), "the composer"
        );
        input.focus();
        document.execCommand?.("insertText", false, "Hello from the browser");
        if (!input.value) {
            input.value = "Hello from the browser";
        }
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
        await waitFor(() => messages("Hello from the browser").length, "my message");
        await waitFor(() => messages("An agent will answer you shortly").length, "the notice");
        const answer = await fetch("/omnichannel_test/livechat/agent_answers", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({
                jsonrpc: "2.0",
                method: "call",
                params: { agent_login: "%(agent)s", reply: "Hi, Ana here", note: "secret note" },
            }),
        });
        const result = await answer.json();
        if (result.error) {
            throw new Error(JSON.stringify(result.error));
        }
        await waitFor(() => messages("Hi, Ana here").length, "the agent's reply");
        await new Promise((resolve) => setTimeout(resolve, 2000));  // a duplicate would show
        if (messages("Hi, Ana here").length !== 1) {
            throw new Error(`the reply shows ${messages("Hi, Ana here").length} times`);
        }
        if (root.textContent.includes("secret note")) {
            throw new Error("the internal note reached the visitor");
        }
        if (messages("Hello from the browser").length !== 1) {
            throw new Error("my message shows more than once");
        }
        console.log("test successful");
    } catch (error) {
        console.error(error.message || error);
    }
})();
"""


@tagged("post_install", "-at_install")
class TestVisitorInBrowser(LivechatCase, WebsocketCase):
    """Odoo disables websockets in tests; WebsocketCase allows them (and waits for them to
    close), so the visitor's page receives the reply the way a real one does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Read the addons' manifests once now: the browser's parallel first requests would
        # parse them in threads, which CPython 3.11.7's ast.parse does not survive (gh-106905).
        root.statics  # noqa: B018

    def test_visitor_chats_with_an_agent_and_never_sees_notes(self):
        self.browser_js(
            f"/im_livechat/support/{self.livechat.id}",
            VISITOR % {"agent": self.agent_ana.login},
            ready="odoo.isReady",
            timeout=120,
        )
        conversation = self.Conversation.search(
            [("channel_id.livechat_channel_id", "=", self.livechat.id)]
        )
        self.assertEqual((conversation.state, conversation.user_id), ("taken", self.agent_ana))
        self.assertEqual(conversation.channel_id.livechat_operator_id, self.agent_ana.partner_id)
