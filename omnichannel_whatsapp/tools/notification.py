"""A signed WhatsApp notification, read item by item.

Meta's body is ``entry[].changes[].value`` with ``messages[]``, ``statuses[]`` and
``contacts[]``. Every item is checked on its own against the shapes below (the parts our
processing reads: types, sizes, ids as bounded strings); an item that does not fit is refused
with the path and the reason, and the other items of the same body are kept. Parts we do not
read may hold anything storable.
"""

import hashlib
import json
import math
from collections import namedtuple

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

MAX_ID_LENGTH = 256
MAX_TEXT_LENGTH = 65536
MAX_LIST_LENGTH = 1000
MAX_DEPTH = 32
MAX_TIMESTAMP = 10**11  # year 5138: anything later is not a time Meta sends
# What a refusal keeps of the refused part, for the manager who reads it.
MAX_EXCERPT_LENGTH = 4000

Row = namedtuple("Row", "account_id kind external_id status contact_key payload")
# ``problem`` is a lazy translation, read in the language of whoever shows it.
Refusal = namedtuple("Refusal", "account_id kind path problem excerpt fingerprint contact_key")


class Refused(Exception):
    def __init__(self, path, problem):
        super().__init__(path, problem)
        self.path = path
        self.problem = problem


# Shapes -------------------------------------------------------------------------------------


class Shape:
    def check(self, value, path):
        raise NotImplementedError


class Anything(Shape):
    def check(self, value, path):
        return None


class Text(Shape):
    def __init__(self, max_length=MAX_TEXT_LENGTH):
        self.max_length = max_length

    def check(self, value, path):
        if not isinstance(value, str):
            raise Refused(path, _lt("expected text"))
        if len(value) > self.max_length:
            raise Refused(path, _lt("text longer than %s characters", self.max_length))


class Id(Shape):
    """Meta's ids (wamid.…, phone numbers, US.… user ids): 1 to 256 printable ASCII
    characters without spaces."""

    def check(self, value, path):
        if not isinstance(value, str) or not value:
            raise Refused(path, _lt("expected an id"))
        if len(value) > MAX_ID_LENGTH:
            raise Refused(path, _lt("id longer than %s characters", MAX_ID_LENGTH))
        if not all("!" <= char <= "~" for char in value):
            raise Refused(path, _lt("id with characters other than printable ASCII"))


class Token(Shape):
    """A name Meta chooses from a list (a message type, a status): lowercase letters,
    digits and underscores."""

    def check(self, value, path):
        if (
            not isinstance(value, str)
            or not 0 < len(value) <= 64
            or not all(char.isascii() and (char.isalnum() or char == "_") for char in value)
        ):
            raise Refused(path, _lt("expected a name of letters, digits and underscores"))


class Number(Shape):
    def check(self, value, path):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Refused(path, _lt("expected a number"))
        if isinstance(value, float) and not math.isfinite(value):
            raise Refused(path, _lt("expected a finite number"))


class Boolean(Shape):
    def check(self, value, path):
        if not isinstance(value, bool):
            raise Refused(path, _lt("expected true or false"))


class Timestamp(Shape):
    """Seconds since 1970, as Meta sends them: a string of digits (or a number)."""

    def check(self, value, path):
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < MAX_TIMESTAMP:
            raise Refused(path, _lt("expected a timestamp in seconds"))


class NumberOrText(Shape):
    """A count or a price: Meta sends some as numbers, some as strings."""

    def check(self, value, path):
        if isinstance(value, str):
            return Text(64).check(value, path)
        try:
            Number().check(value, path)
        except Refused:
            raise Refused(path, _lt("expected a number or text")) from None


class ListOf(Shape):
    def __init__(self, item, max_length=MAX_LIST_LENGTH):
        self.item = item
        self.max_length = max_length

    def check(self, value, path):
        if not isinstance(value, list):
            raise Refused(path, _lt("expected a list"))
        if len(value) > self.max_length:
            raise Refused(path, _lt("list longer than %s items", self.max_length))
        for index, item in enumerate(value):
            self.item.check(item, f"{path}[{index}]")


class Object(Shape):
    """A JSON object: the listed keys, when present and not null, have their shape; the
    required ones must be there; other keys are not read, so they may hold anything."""

    def __init__(self, fields, required=(), typed_content=None):
        self.fields = fields
        self.required = set(required)
        # {"type": "video", "video": {...}}: the shape of the part the type names, any type.
        self.typed_content = typed_content

    def check(self, value, path):
        if not isinstance(value, dict):
            raise Refused(path, _lt("expected an object"))
        for key in self.required:
            if value.get(key) is None:
                raise Refused(f"{path}.{key}", _lt("missing"))
        for key, shape in self.fields.items():
            if value.get(key) is not None:
                shape.check(value[key], f"{path}.{key}")
        if self.typed_content and value.get(value.get("type")) is not None:
            self.typed_content.check(value[value["type"]], f"{path}.{value['type']}")


# What our processing reads of each item -------------------------------------------------------

ERRORS = ListOf(
    Object(
        {
            "code": NumberOrText(),
            "title": Text(),
            "message": Text(),
            "error_data": Object({"details": Text()}),
        }
    )
)
MEDIA = Object(
    {
        "id": Id(),
        "mime_type": Text(255),
        "caption": Text(),
        "filename": Text(255),
        "voice": Boolean(),
    }
)
REPLY = Object({"id": Text(), "title": Text(), "description": Text()})
CARD = Object(
    {
        "name": Object({"formatted_name": Text()}),
        "org": Object({"company": Text()}),
        "phones": ListOf(Object({"phone": Text(), "type": Text()})),
        "emails": ListOf(Object({"email": Text()})),
        "urls": ListOf(Object({"url": Text()})),
    }
)
EDITED_CONTENT = Object({"body": Text(), "caption": Text()})
MESSAGE = Object(
    {
        "id": Id(),
        "from": Id(),
        "from_user_id": Id(),
        "timestamp": Timestamp(),
        "type": Token(),
        "context": Object(
            {
                "id": Id(),
                "from": Id(),
                "forwarded": Boolean(),
                "frequently_forwarded": Boolean(),
            }
        ),
        "referral": Object(
            {key: Text() for key in ("headline", "body", "source_type", "source_id", "source_url")}
        ),
        "errors": ERRORS,
        "text": Object({"body": Text()}),
        **dict.fromkeys(("image", "video", "document", "audio", "sticker"), MEDIA),
        "location": Object(
            {
                "latitude": Number(),
                "longitude": Number(),
                "name": Text(),
                "address": Text(),
                "url": Text(),
            }
        ),
        "contacts": ListOf(CARD),
        "interactive": Object(
            {
                "type": Token(),
                "button_reply": REPLY,
                "list_reply": REPLY,
                "nfm_reply": Object({"body": Text(), "response_json": Text()}),
                "call_permission_reply": Object({"response": Text(64)}),
            }
        ),
        "button": Object({"text": Text(), "payload": Text()}),
        "reaction": Object({"message_id": Id(), "emoji": Text(64)}),
        "order": Object(
            {
                "text": Text(),
                "product_items": ListOf(
                    Object(
                        {
                            "product_retailer_id": Text(),
                            "quantity": NumberOrText(),
                            "item_price": NumberOrText(),
                            "currency": Text(16),
                        }
                    )
                ),
            }
        ),
        "system": Object({"body": Text(), "type": Token(), "wa_id": Id()}),
        "unsupported": Object({"type": Text(64)}),
        "revoke": Object({"original_message_id": Id()}),
        "edit": Object(
            {
                "original_message_id": Id(),
                "message": Object({"type": Token(), "image": MEDIA}, typed_content=EDITED_CONTENT),
            }
        ),
    },
    required=("id", "type"),
)
STATUS = Object(
    {
        "id": Id(),
        "status": Token(),
        "timestamp": Timestamp(),
        "recipient_id": Id(),
        "recipient_user_id": Id(),
        "biz_opaque_callback_data": Text(512),
        "errors": ERRORS,
    },
    required=("id", "status"),
)
CONTACT = Object({"wa_id": Id(), "user_id": Id(), "profile": Object({"name": Text(1024)})})


def check_storable(value, path):
    """Bounded nesting, and only strings PostgreSQL and the mail body can hold (no lone
    surrogate, no NUL), in every part of the item, read or not. Iterative: a deep body
    must not exhaust the stack here."""
    stack = [(value, path, 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Refused(path, _lt("nested more than %s levels", MAX_DEPTH))
        if isinstance(value, str):
            if "\x00" in value or not _is_utf8(value):
                raise Refused(path, _lt("text with characters that cannot be stored"))
        elif isinstance(value, dict):
            for key, item in value.items():
                if not _is_utf8(key) or "\x00" in key:
                    raise Refused(path, _lt("a key with characters that cannot be stored"))
                stack.append((item, f"{path}.{key}"[:200], depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value))
        elif isinstance(value, float) and not math.isfinite(value):
            raise Refused(path, _lt("expected a finite number"))


def _is_utf8(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _excerpt(value):
    """The refused part as JSON (cut to a readable size), and a fingerprint of all of it so
    that the same refusal delivered again is recorded once."""
    try:
        text = json.dumps(value, ensure_ascii=True, sort_keys=True)
    except (RecursionError, ValueError, TypeError):
        text = f"<{type(value).__name__} nested too deeply to show>"
    fingerprint = hashlib.sha256(text.encode()).hexdigest()
    if len(text) > MAX_EXCERPT_LENGTH:
        text = text[:MAX_EXCERPT_LENGTH] + "…"
    return text, fingerprint


# Reading a body -------------------------------------------------------------------------------


class NotificationReader:
    """Reads one verified body: ``rows`` are the items to store, ``refusals`` what did
    not fit. Only ``accounts_by_number``'s numbers are read; other numbers' changes are
    someone else's and are ignored, as are fields other than ``messages``."""

    def __init__(self, accounts_by_number):
        self.accounts_by_number = accounts_by_number
        self.rows = []
        self.refusals = []

    def read_body(self, body):
        entries = body.get("entry")
        if entries is None:
            return self
        if not isinstance(entries, list):
            return self._refuse(None, "other", Refused("entry", _lt("expected a list")), entries)
        for index, entry in enumerate(entries):
            path = f"entry[{index}]"
            try:
                changes = self._get_list(entry, "changes", path)
            except Refused as refused:
                self._refuse(None, "other", refused, entry)
                continue
            for change_index, change in enumerate(changes):
                self._read_change(change, f"{path}.changes[{change_index}]")
        return self

    def _read_change(self, change, path):
        try:
            if not isinstance(change, dict):
                raise Refused(path, _lt("expected an object"))
            Text(64).check(change.get("field"), f"{path}.field")
            if change["field"] != "messages":
                return
            value = change.get("value")
            if not isinstance(value, dict):
                raise Refused(f"{path}.value", _lt("expected an object"))
            metadata = value.get("metadata")
            if not isinstance(metadata, dict):
                raise Refused(f"{path}.value.metadata", _lt("expected an object"))
            number_id = metadata.get("phone_number_id")
            if not isinstance(number_id, str):
                raise Refused(f"{path}.value.metadata.phone_number_id", _lt("expected an id"))
        except Refused as refused:
            return self._refuse(None, "other", refused, change)
        account_id = self.accounts_by_number.get(number_id)
        if account_id:
            self._read_value(account_id, value, f"{path}.value")

    def _read_value(self, account_id, value, path):
        contacts = self._checked_items(account_id, value, "contacts", CONTACT, path, "other")
        errors = value.get("errors")
        if errors is not None:
            try:
                ERRORS.check(errors, f"{path}.errors")
                check_storable(errors, f"{path}.errors")
            except Refused as refused:
                self._refuse(account_id, "other", refused, errors)
                errors = None
        for message in self._checked_items(account_id, value, "messages", MESSAGE, path, "message"):
            sender = message.get("from")
            if not sender and not message.get("from_user_id"):
                self._refuse(
                    account_id,
                    "message",
                    Refused(f"{path}.messages", _lt("a message without its sender")),
                    message,
                )
                continue
            contact = next(
                (c for c in contacts if sender and c.get("wa_id") == sender),
                contacts[0] if contacts else {},
            )
            payload = {"message": message, "contact": contact}
            if errors:
                payload["errors"] = errors
            key = sender or contact.get("wa_id") or message.get("from_user_id")
            self.rows.append(Row(account_id, "message", message["id"], "", key, payload))
        for status in self._checked_items(account_id, value, "statuses", STATUS, path, "status"):
            key = status.get("recipient_id") or status.get("recipient_user_id") or ""
            self.rows.append(Row(account_id, "status", status["id"], status["status"], key, status))

    def _checked_items(self, account_id, value, key, shape, path, kind):
        """The items of ``value[key]`` that fit ``shape``; each other one is refused."""
        try:
            items = self._get_list(value, key, path)
        except Refused as refused:
            self._refuse(account_id, kind, refused, value.get(key))
            return []
        checked = []
        for index, item in enumerate(items):
            item_path = f"{path}.{key}[{index}]"
            try:
                shape.check(item, item_path)
                check_storable(item, item_path)
            except Refused as refused:
                self._refuse(account_id, kind, refused, item)
                continue
            checked.append(item)
        return checked

    @staticmethod
    def _get_list(container, key, path):
        if not isinstance(container, dict):
            raise Refused(path, _lt("expected an object"))
        items = container.get(key)
        if items is None:
            return []
        if not isinstance(items, list):
            raise Refused(f"{path}.{key}", _lt("expected a list"))
        return items

    def _refuse(self, account_id, kind, refused, value):
        excerpt, fingerprint = _excerpt(value)
        sender = value.get("from") if isinstance(value, dict) else None
        try:
            Id().check(sender, "from")
        except Refused:
            sender = ""
        self.refusals.append(
            Refusal(
                account_id,
                kind,
                refused.path,
                refused.problem,
                excerpt,
                hashlib.sha256(f"{refused.path}\n{fingerprint}".encode()).hexdigest(),
                sender,
            )
        )
        return self
