"""Random notifications, signed and posted to the real webhook over HTTP.

The generator knows, for every message and status it writes, whether it has Meta's shape
(the shapes of Meta's documentation, written out here rather than taken from the addon) and
whether it is for our number. Around them it puts junk of every JSON type at every level.
Each body must be answered without a 500, every valid item of ours stored exactly as sent,
and nothing else stored.
"""

import itertools
import json
import logging

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import NUMBER_ID, WABA_ID, WhatsappCase

_logger = logging.getLogger(__name__)

EXAMPLES = 2000
OTHER_NUMBER_ID = "999000999000"
INBOUND_LOGGER = "odoo.addons.omnichannel_chat.models.omnichannel_inbound"
# The parts of a message Meta documents (and we read): an unknown extra key is none of them.
MESSAGE_KEYS = {
    "id", "from", "from_user_id", "timestamp", "type", "context", "referral", "errors", "text",
    "image", "video", "document", "audio", "sticker", "location", "contacts", "interactive",
    "button", "reaction", "order", "system", "unsupported", "revoke", "edit",
}  # fmt: skip

# Values ---------------------------------------------------------------------------------------

SAFE_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
)
BAD_STRINGS = st.one_of(
    # One lone surrogate (a pair would be a real character once JSON decodes it).
    st.builds(
        lambda surrogate, text: f"{text}{surrogate}{text}",
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
        st.sampled_from(["", "a"]),
    ),
    st.builds(lambda text: f"a\x00{text}", SAFE_TEXT),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    SAFE_TEXT,
)
STORABLE = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(SAFE_TEXT, inner, max_size=3),
    max_leaves=8,
)
ANY_JSON = st.recursive(
    SCALARS | BAD_STRINGS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(SAFE_TEXT, inner, max_size=3),
    max_leaves=8,
)
DIGITS = st.from_regex(r"\A[0-9]{8,15}\Z")
NOT_OBJECT = st.one_of(
    st.lists(STORABLE, max_size=3), SAFE_TEXT, st.integers(), st.booleans(), st.floats(-1, 1)
)
NOT_LIST = st.one_of(st.dictionaries(SAFE_TEXT, STORABLE, max_size=3), SAFE_TEXT, st.integers())
NOT_TEXT = st.one_of(
    st.integers(),
    st.booleans(),
    st.lists(STORABLE, max_size=2),
    st.dictionaries(SAFE_TEXT, STORABLE, max_size=2),
    BAD_STRINGS,
)
NOT_ID = st.one_of(
    NOT_TEXT,
    st.just(""),
    st.just("wamid." + "A" * 300),
    st.builds(lambda a, b: f"wamid.{a} {b}", DIGITS, DIGITS),
)
NOT_NAME = st.one_of(NOT_TEXT, st.sampled_from(["", "Has Space", "tëxt", "text!"]))
NOT_TIMESTAMP = st.one_of(
    st.sampled_from(["soon", "-5", "1.5", "", "1e9"]), st.lists(st.integers(), max_size=2)
)


def deep(depth=40):
    value = {}
    for _level in range(depth):
        value = {"x": value}
    return value


# Items ----------------------------------------------------------------------------------------


@st.composite
def valid_messages(draw):
    kind = draw(
        st.sampled_from(
            ["text", "image", "location", "reaction", "contacts", "button", "interactive", "new"]
        )
    )
    message = {
        "from": draw(DIGITS),
        "id": None,  # given a unique id before posting
        "timestamp": str(draw(st.integers(1_600_000_000, 1_900_000_000))),
        "type": kind,
    }
    if kind == "text":
        message["text"] = {"body": draw(SAFE_TEXT)}
    elif kind == "image":
        message["image"] = {"id": draw(DIGITS), "mime_type": "image/jpeg"}
        if draw(st.booleans()):
            message["image"]["caption"] = draw(SAFE_TEXT)
    elif kind == "location":
        message["location"] = {
            "latitude": draw(st.floats(-90, 90)),
            "longitude": draw(st.floats(-180, 180)),
            "name": draw(SAFE_TEXT),
        }
    elif kind == "reaction":
        message["reaction"] = {
            "message_id": "wamid.earlier",
            "emoji": draw(st.sampled_from(["👍", ""])),
        }
    elif kind == "contacts":
        message["contacts"] = [
            {"name": {"formatted_name": draw(SAFE_TEXT)}, "phones": [{"phone": draw(DIGITS)}]}
        ]
    elif kind == "button":
        message["button"] = {"text": draw(SAFE_TEXT), "payload": draw(SAFE_TEXT)}
    elif kind == "interactive":
        message["interactive"] = {
            "type": "button_reply",
            "button_reply": {"id": draw(SAFE_TEXT), "title": draw(SAFE_TEXT)},
        }
    else:  # a type Meta adds tomorrow: stored, shown as not supported
        kind = draw(
            st.from_regex(r"\A[a-z_]{1,12}\Z").filter(lambda name: name not in MESSAGE_KEYS)
        )
        message["type"] = kind
        message[kind] = draw(STORABLE)
    if draw(st.booleans()):
        message["context"] = {"id": "wamid.earlier", "forwarded": draw(st.booleans())}
    extra_keys = SAFE_TEXT.filter(lambda key: key not in MESSAGE_KEYS)
    message.update(draw(st.dictionaries(extra_keys, STORABLE, max_size=2)))
    return message


@st.composite
def malformed_messages(draw):
    """A valid message with one part of the wrong shape: returns it and the part's name."""
    message = draw(valid_messages())
    mutations = {
        "id": NOT_ID,
        "from": NOT_ID,
        "type": NOT_NAME,
        "timestamp": NOT_TIMESTAMP,
        "context": NOT_OBJECT,
        "context.id": NOT_ID,
        "unread part": st.one_of(BAD_STRINGS, st.just(deep())),
        "text": NOT_OBJECT,
        "text.body": NOT_TEXT,
    }
    if message["type"] != "text":
        message = {**message, "type": "text", "text": {"body": "x"}}
    part = draw(st.sampled_from(sorted(mutations)))
    bad = draw(mutations[part])
    if part == "unread part":
        message["x_unread"] = bad
    elif "." in part:
        outer, inner = part.split(".")
        message[outer] = {**(message.get(outer) or {}), inner: bad}
    else:
        message[part] = bad
    return message, part


@st.composite
def statuses(draw):
    status = {
        "id": None,
        "status": draw(st.sampled_from(["sent", "delivered", "read", "failed"])),
        "timestamp": "1763700000",
        "recipient_id": draw(DIGITS),
    }
    if draw(st.booleans()):
        part = draw(st.sampled_from(["id", "status", "errors"]))
        status[part] = draw({"id": NOT_ID, "status": NOT_NAME, "errors": NOT_LIST}[part])
        return status, part
    return status, None


# Bodies ---------------------------------------------------------------------------------------


@st.composite
def notifications(draw):
    """(body, items): items are (item, kind, valid, ours, mutated part) for each message and
    status put in a well-formed place of the body."""
    shape = draw(st.sampled_from(["meta"] * 17 + ["random object", "not an object"]))
    if shape == "not an object":
        return draw(st.one_of(st.lists(ANY_JSON, max_size=3), SAFE_TEXT, st.integers())), []
    if shape == "random object":
        keys = SAFE_TEXT.filter(lambda key: key != "entry")
        return draw(st.dictionaries(keys, ANY_JSON, max_size=4)), []
    items = []
    entries = []
    for _entry in range(draw(st.integers(1, 3))):
        changes = []
        for _change in range(draw(st.integers(1, 2))):
            number = draw(st.sampled_from([NUMBER_ID, NUMBER_ID, OTHER_NUMBER_ID]))
            field = draw(st.sampled_from(["messages"] * 5 + ["account_update"]))
            ours = number == NUMBER_ID and field == "messages"
            value = {
                "messaging_product": "whatsapp",
                "metadata": {"display_phone_number": "972123456789", "phone_number_id": number},
            }
            messages = []
            for _message in range(draw(st.integers(0, 4))):
                if draw(st.booleans()):
                    message, part = draw(malformed_messages())
                else:
                    message, part = draw(valid_messages()), None
                messages.append(message)
                items.append((message, "message", part is None, ours, part))
            value["messages"] = messages
            status_items = []
            for _status in range(draw(st.integers(0, 2))):
                status, part = draw(statuses())
                status_items.append(status)
                items.append((status, "status", part is None, ours, part))
            if status_items:
                value["statuses"] = status_items
            contacts = draw(
                st.one_of(
                    st.just([{"profile": {"name": "Carmen"}, "wa_id": "34699000111"}]),
                    NOT_LIST,
                    st.lists(ANY_JSON, max_size=2),
                )
            )
            value["contacts"] = contacts
            if draw(st.integers(0, 5)) == 0:
                value["errors"] = draw(ANY_JSON)
            changes.append({"field": field, "value": value})
        # Junk beside the good changes: of every type, at the change's levels.
        for _junk in range(draw(st.integers(0, 2))):
            changes.insert(
                draw(st.integers(0, len(changes))),
                draw(
                    st.one_of(
                        ANY_JSON,
                        st.builds(lambda v: {"field": "messages", "value": v}, NOT_OBJECT),
                        st.builds(
                            lambda m: {"field": "messages", "value": {"metadata": m}}, NOT_OBJECT
                        ),
                        st.builds(
                            lambda n: {
                                "field": "messages",
                                "value": {"metadata": {"phone_number_id": n}, "messages": [{}]},
                            },
                            NOT_TEXT,
                        ),
                        st.builds(
                            lambda m: {
                                "field": "messages",
                                "value": {
                                    "metadata": {"phone_number_id": NUMBER_ID},
                                    "messages": m,
                                },
                            },
                            NOT_LIST,
                        ),
                        st.builds(lambda f: {"field": f, "value": {}}, NOT_TEXT),
                    )
                ),
            )
        entries.append({"id": WABA_ID, "changes": changes})
    for _junk in range(draw(st.integers(0, 1))):
        entries.insert(
            draw(st.integers(0, len(entries))),
            draw(st.one_of(NOT_OBJECT, st.builds(lambda c: {"changes": c}, NOT_LIST))),
        )
    return {"object": "whatsapp_business_account", "entry": entries}, items


@tagged("post_install", "-at_install")
class TestWebhookFuzz(WhatsappCase):
    def test_random_notifications(self):
        serial = itertools.count()
        totals = {"bodies": 0, "stored": 0, "refused": 0, "answered 400": 0}

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(notifications())
        def post_one(case):
            body, items = case
            number = next(serial)
            expected, sent = set(), {}
            for index, (item, kind, valid, ours, part) in enumerate(items):
                if part != "id":
                    item["id"] = f"wamid.FZ{number}.{index}"
                # Every item is unique, so that each refusal is recorded anew.
                item["x_fuzz"] = f"{number}.{index}"
                if isinstance(item["id"], str):
                    sent[(kind, item["id"])] = item
                if valid and ours:
                    expected.add((kind, item["id"]))
            last_id = self.Inbound.search([], order="id desc", limit=1).id or 0
            response = self.post_webhook(json.dumps(body).encode())
            totals["bodies"] += 1
            if not isinstance(body, dict):
                self.assertEqual(response.status_code, 400, response.text)
                totals["answered 400"] += 1
                return
            self.assertEqual(response.status_code, 200, response.text)
            stored = self.Inbound.search(
                [("external_id", "=like", f"wamid.FZ{number}.%"), ("state", "!=", "refused")]
            )
            self.assertEqual({(row.kind, row.external_id) for row in stored}, expected)
            for row in stored:
                payload = json.loads(row.payload)
                item = payload["message"] if row.kind == "message" else payload
                self.assertEqual(item, sent[(row.kind, row.external_id)])
                self.assertEqual(row.state, "pending")
            refused = self.Inbound.search([("id", ">", last_id), ("state", "=", "refused")])
            self.assertFalse(refused.filtered(lambda row: not row.error))
            if len(refused) < 50:  # below the cap, each malformed item of ours is there
                excerpts = "\n".join(refused.mapped("payload"))
                for index, (_item, _kind, valid, ours, part) in enumerate(items):
                    if ours and not valid:
                        self.assertIn(f'"x_fuzz": "{number}.{index}"', excerpts, part)
            totals["stored"] += len(stored)
            totals["refused"] += len(refused)

        with mute_logger(INBOUND_LOGGER):
            post_one()
        _logger.info("webhook fuzz: %s", totals)
        self.assertGreaterEqual(totals["bodies"], EXAMPLES)
        self.assertGreater(totals["stored"], EXAMPLES)
        self.assertGreater(totals["refused"], EXAMPLES)
        self.assertGreater(totals["answered 400"], 0)
