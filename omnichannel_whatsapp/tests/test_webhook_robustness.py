import copy
import json

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DISPLAY_NUMBER, NUMBER_ID, WABA_ID, WhatsappCase, message_webhook, sign

WEBHOOK = "/omnichannel/whatsapp/webhook"
INBOUND_LOGGER = "odoo.addons.omnichannel_chat.models.omnichannel_inbound"


def good_message(wamid, text="Hola", wa_id="34699000111"):
    return {
        "from": wa_id,
        "id": wamid,
        "timestamp": "1763700000",
        "type": "text",
        "text": {"body": text},
    }


def body_with(messages, statuses=None, contacts=None):
    """Meta's body for our number with the given items, as they come (malformed ones too)."""
    body = message_webhook(NUMBER_ID, DISPLAY_NUMBER, WABA_ID, "34699000111", "Carmen", {})
    value = body["entry"][0]["changes"][0]["value"]
    value["messages"] = messages
    if statuses is not None:
        value["statuses"] = statuses
    if contacts is not None:
        value["contacts"] = contacts
    return body


@tagged("post_install", "-at_install")
class TestWebhookRobustness(WhatsappCase):
    """Validly signed bodies of every bad shape: never a 500, each malformed part refused on
    its own (a WARNING and a row managers read), the valid items of the same body kept and
    processed. Each case answered 500 or stored a bad row before (at 0a381de)."""

    def post(self, body):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        with mute_logger(INBOUND_LOGGER):
            return self.post_webhook(raw)

    def rows(self, **domain):
        return self.Inbound.search([(key, "=", value) for key, value in domain.items()])

    def assertAccepted(self, body, stored_ids=(), refused=1):
        """200, exactly ``stored_ids`` stored as messages to process, at least ``refused``
        refused rows more than before, and each stored message reaches its conversation."""
        refused_before = self.Inbound.search_count([("state", "=", "refused")])
        response = self.post(body)
        self.assertEqual(response.status_code, 200, response.text)
        refused_rows = self.Inbound.search([("state", "=", "refused")], order="id desc")
        self.assertGreaterEqual(len(refused_rows) - refused_before, refused)
        new_refused = refused_rows[: len(refused_rows) - refused_before]
        for row in new_refused:
            self.assertTrue(row.error)
            self.assertTrue(row.payload)
        stored = self.Inbound.search([("kind", "=", "message"), ("state", "!=", "refused")])
        for wamid in stored_ids:
            self.assertIn(wamid, stored.mapped("external_id"))
        self.process()
        for wamid in stored_ids:
            row = self.rows(kind="message", external_id=wamid)
            self.assertEqual(row.state, "done", row.error)
            self.assertEqual(row.message_id.omnichannel_whatsapp_id, wamid)
        self.assertFalse(new_refused.filtered(lambda row: row.state != "refused"))
        return new_refused

    def test_wrong_type_at_every_level_keeps_the_good_message(self):
        """One good message beside each malformed part: the part is refused, the message
        stored (it was lost with the 500 before)."""
        cases = {
            "entry": lambda body: body.update(entry={"changes": []}),
            "entry item": lambda body: body["entry"].insert(0, "entry"),
            "changes": lambda body: body["entry"].insert(0, {"changes": {"field": "messages"}}),
            "change": lambda body: body["entry"][0]["changes"].insert(0, ["messages"]),
            "value": lambda body: body["entry"][0]["changes"].insert(
                0, {"field": "messages", "value": "text"}
            ),
            "metadata": lambda body: body["entry"][0]["changes"].insert(
                0, {"field": "messages", "value": {"metadata": ["x"], "messages": []}}
            ),
            "phone_number_id": lambda body: body["entry"][0]["changes"].insert(
                0,
                {"field": "messages", "value": {"metadata": {"phone_number_id": {"id": 1}}}},
            ),
            "contacts": lambda body: self.value(body).update(contacts={"wa_id": "1"}),
            "messages item": lambda body: self.value(body)["messages"].insert(0, "text"),
            "message id object": lambda body: self.value(body)["messages"].insert(
                0, dict(good_message("x"), id={"wamid": "x"})
            ),
            "message from object": lambda body: self.value(body)["messages"].insert(
                0, dict(good_message("wamid.FROM"), **{"from": {"wa_id": "1"}})
            ),
            "statuses": lambda body: self.value(body).update(statuses={"id": "wamid.S"}),
            "status item": lambda body: self.value(body).update(statuses=[7]),
            "status name": lambda body: self.value(body).update(
                statuses=[{"id": "wamid.S", "status": ["read"]}]
            ),
        }
        for index, (case, break_it) in enumerate(cases.items()):
            with self.subTest(case=case):
                wamid = f"wamid.ROBUST{index}"
                body = body_with([good_message(wamid)])
                break_it(body)
                # Without a list of entries, the body has no item left to keep.
                self.assertAccepted(body, [wamid] if case != "entry" else [])

    def value(self, body):
        return body["entry"][0]["changes"][0]["value"]

    def test_malformed_contact_is_refused_and_the_message_kept(self):
        body = body_with([good_message("wamid.CONTACT")], contacts=[{"profile": "Carmen"}])
        refused = self.assertAccepted(body, ["wamid.CONTACT"])
        self.assertIn("contacts[0].profile", refused.error)

    def test_text_that_is_a_string_is_refused_not_retried(self):
        """Before: stored, retried 5 times, then failed."""
        bad = dict(good_message("wamid.TEXTSTR"), text="Hola")
        refused = self.assertAccepted(
            body_with([bad, good_message("wamid.TEXTOK")]), ["wamid.TEXTOK"]
        )
        self.assertEqual(refused.kind, "message")
        self.assertIn("messages[0].text: expected an object", refused.error)
        self.assertFalse(self.rows(kind="message", external_id="wamid.TEXTSTR"))
        self.assertEqual(json.loads(refused.payload), bad)
        self.assertEqual(refused.contact_key, "34699000111")

    def test_list_long_and_surrogate_ids_are_refused(self):
        """Before: a list id stored as its repr, a 100 kB id stored as is, a lone surrogate
        answered 500 (UnicodeEncodeError)."""
        long_id = "wamid." + "A" * 100_000
        bad = [
            dict(good_message("x"), id=["wamid.LIST"]),
            dict(good_message("x"), id=long_id),
            dict(good_message("x"), id="wamid.\ud800"),
            dict(good_message("x"), id=""),
            dict(good_message("wamid.SPACE"), id="wamid. x"),
        ]
        refused = self.assertAccepted(
            body_with([*bad, good_message("wamid.IDOK")]), ["wamid.IDOK"], refused=len(bad)
        )
        self.assertFalse(self.Inbound.search([("external_id", "in", ["['wamid.LIST']", long_id])]))
        for row in refused:
            self.assertLessEqual(len(row.payload), 4001)

    def test_lone_surrogate_in_text_is_refused(self):
        """A string PostgreSQL cannot hold, anywhere in the item (read or not)."""
        bad_text = dict(good_message("wamid.SURR1"), text={"body": "\udc80 hola"})
        bad_extra = dict(good_message("wamid.SURR2"), extra={"note": "\ud83d"})
        bad_nul = dict(good_message("wamid.SURR3"), text={"body": "a\x00b"})
        self.assertAccepted(
            body_with([bad_text, bad_extra, bad_nul, good_message("wamid.SURROK")]),
            ["wamid.SURROK"],
            refused=3,
        )

    def test_deep_nesting(self):
        """Nested past Python's stack: 400, nothing stored. Deep but readable inside an item:
        that item is refused, its neighbour stored."""
        depth = 100_000
        raw = b'{"entry": ' + b"[" * depth + b"]" * depth + b"}"
        with mute_logger(INBOUND_LOGGER):
            response = self.post_webhook(raw)
        self.assertEqual(response.status_code, 400)
        nested = {}
        deep = nested
        for _level in range(100):
            deep["x"] = {}
            deep = deep["x"]
        bad = dict(good_message("wamid.DEEP"), context=None, extra=nested)
        refused = self.assertAccepted(
            body_with([bad, good_message("wamid.DEEPOK")]), ["wamid.DEEPOK"]
        )
        self.assertIn("nested more than", refused.error)

    def test_wrong_types_inside_message_kinds(self):
        """What processing reads of each message type, with the wrong type: refused at once
        (each used to fail in processing, retried five times)."""
        bad = [
            {"type": "image", "image": "media-id"},
            {"type": "location", "location": {"latitude": "north", "longitude": 2}},
            {"type": "contacts", "contacts": {"name": "Ana"}},
            {"type": "contacts", "contacts": [{"phones": "600"}]},
            {"type": "interactive", "interactive": {"type": "button_reply", "button_reply": []}},
            {"type": "reaction", "reaction": {"message_id": 5, "emoji": "👍"}},
            {"type": "order", "order": {"product_items": [{"quantity": {}}]}},
            {"type": "edit", "edit": {"message": {"type": "text", "text": "new"}}},
            {"type": "text", "text": {"body": "x"}, "context": {"id": ["wamid.1"]}},
            {"type": "text", "text": {"body": "x"}, "referral": "ad"},
            {"type": "text", "text": {"body": "x"}, "timestamp": "99999999999999999999"},
            {"type": "unsupported", "errors": {"code": 1}},
            {"type": ["text"], "text": {"body": "x"}},
            {"type": "text", "text": {"body": "x" * 70_000}},
            {"id": "wamid.NOFROM", "type": "text", "text": {"body": "x"}, "from": None},
        ]
        messages = []
        for index, item in enumerate(bad):
            message = {"from": "34699000111", "id": f"wamid.KIND{index}", **item}
            messages.append({key: value for key, value in message.items() if value is not None})
        self.assertAccepted(
            body_with([*messages, good_message("wamid.KINDOK")]), ["wamid.KINDOK"], refused=len(bad)
        )
        stored = self.Inbound.search([("external_id", "=like", "wamid.KIND%")])
        self.assertEqual(stored.mapped("external_id"), ["wamid.KINDOK"])

    def test_unknown_message_type_and_parts_are_kept(self):
        """Meta adds types and fields: an unknown type is stored (shown as not supported), an
        unknown part of any shape is not read, so it does not refuse its item."""
        message = dict(good_message("wamid.NEWTYPE"), type="hologram", hologram=["3d"], extra=5)
        self.assertAccepted(body_with([message]), ["wamid.NEWTYPE"], refused=0)
        posted = self.rows(kind="message", external_id="wamid.NEWTYPE").message_id
        self.assertIn("cannot be shown", posted.body)

    def test_refusals_are_recorded_once_and_bounded(self):
        """Meta's retry of the same body adds no refused row; a body full of malformed items
        records at most 50 rows and says how many more there were."""
        body = body_with(["junk"])
        self.assertAccepted(body, refused=1)
        self.assertAccepted(copy.deepcopy(body), refused=0)
        refused = self.assertAccepted(body_with([f"junk{i}" for i in range(120)]), refused=50)
        self.assertEqual(len(refused), 50)
        self.assertEqual(len(refused.filtered(lambda row: "70 more" in row.error)), 1)

    def test_refused_row_is_shown_to_managers_and_not_retried(self):
        self.assertAccepted(body_with(["junk-for-managers"]))
        Log = self.env["omnichannel.inbound"].with_user(self.manager)
        refused = Log.search([("state", "=", "refused")], order="id desc", limit=1)
        self.assertIn("messages[0]: expected an object", refused.error)
        refused.action_retry()
        self.assertEqual(refused.state, "refused")
        # The log's menu (Omnichannel > Configuration > Webhook log) is the manager's.
        menu = self.env.ref("omnichannel_chat.menu_omnichannel_inbound")
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menu.with_user(self.manager)._visible_menu_ids())
        self.assertNotIn(menu.id, Menu.with_user(self.agent_ana)._visible_menu_ids())
        views = self.env["ir.ui.view"].search(
            [("model", "=", "omnichannel.inbound"), ("type", "=", "search")]
        )
        self.assertIn('name="refused"', "".join(views.mapped("arch_db")))
        # Agents do not read the log nor the send queue, nor retry through the web client.
        for model in ("omnichannel.inbound", "omnichannel.outbound"):
            self.assertFalse(self.env[model].with_user(self.agent_ana).has_access("read"))
        self.authenticate("wa_ana", "wa_ana")
        for method, args in (("action_retry", [refused.ids]), ("search_read", [[]])):
            response = self.url_open(
                f"/web/dataset/call_kw/omnichannel.inbound/{method}",
                data=json.dumps(
                    {
                        "jsonrpc": "2.0",
                        "params": {
                            "model": "omnichannel.inbound",
                            "method": method,
                            "args": args,
                            "kwargs": {},
                        },
                    }
                ),
                headers={"Content-Type": "application/json"},
            )
            error = response.json()["error"]["data"]["name"]
            self.assertEqual(error, "odoo.exceptions.AccessError", method)

    def test_signature_still_first(self):
        """Bad shapes are only read once the body is signed: unsigned junk is 403."""
        raw = json.dumps(body_with(["junk"])).encode()
        response = self.post_webhook(raw, signature=sign(raw, "not-the-secret"))
        self.assertEqual(response.status_code, 403)
        for raw in (b"[1, 2]", b'"text"', b"{not json", b"\xff\xfe"):
            with self.subTest(raw=raw):
                self.assertEqual(self.post_webhook(raw).status_code, 400)
