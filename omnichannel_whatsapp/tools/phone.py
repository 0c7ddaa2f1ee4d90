"""Match WhatsApp wa_ids to phone numbers typed on contacts.

Pure Python (no Odoo import) so it loads standalone by file path in tests.

A wa_id is digits only, country code first, and for some countries differs from the E.164
number a person would type (docs/whatsapp-cloud-api.md 1.12):
- Brazil: accounts from before the mobile 9th digit keep a 12-digit wa_id (55 + DDD + 8);
- Mexico: wa_ids keep the legacy mobile "1" (521 + 10 digits) that E.164 dropped (52 + 10);
- Argentina: wa_ids carry the mobile "9" (549 + 10 digits), often typed without it (54 + 10).
Both sides are turned into sets of digit keys; a contact matches when the sets intersect.
"""

import re

import phonenumbers

_NON_DIGITS = re.compile(r"\D+")

# 55 + DDD (two digits, no zero) + 8-digit mobile (6-9) / 9 + that 8-digit mobile.
_BR_12 = re.compile(r"^55([1-9]{2})([6-9]\d{7})$")
_BR_13 = re.compile(r"^55([1-9]{2})9([6-9]\d{7})$")
_MX_13 = re.compile(r"^521(\d{10})$")
_MX_12 = re.compile(r"^52(\d{10})$")
_AR_13 = re.compile(r"^549(\d{10})$")
_AR_12 = re.compile(r"^54(\d{10})$")

# Shorter numbers are too ambiguous to key a contact on when they do not parse.
_MIN_RAW_DIGITS = 8


def _digits(value):
    return _NON_DIGITS.sub("", value or "")


def _variants(digits):
    """The other forms of an international digit string (without itself)."""
    out = set()
    if m := _BR_12.match(digits):
        out.add(f"55{m[1]}9{m[2]}")
    # Only mobiles that existed before the 9th digit (6-9) can have a 12-digit wa_id.
    if m := _BR_13.match(digits):
        out.add(f"55{m[1]}{m[2]}")
    if m := _MX_13.match(digits):
        out.add(f"52{m[1]}")
    if m := _MX_12.match(digits):
        out.add(f"521{m[1]}")
    if m := _AR_13.match(digits):
        out.add(f"54{m[1]}")
    if m := _AR_12.match(digits):
        out.add(f"549{m[1]}")
    return out


def wa_id_keys(wa_id: str) -> set[str]:
    """E.164 digit strings (no "+") under which the wa_id's owner may be stored."""
    digits = _digits(wa_id)
    if not digits:
        return set()
    return {digits} | _variants(digits)


def _parse(number, region=None):
    try:
        return phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None


def _e164_digits(parsed):
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


def phone_keys(number: str, region: str | None = None) -> set[str]:
    """E.164 digit strings (no "+") for a number as typed on a contact, with BR/MX/AR variants.

    ``region`` (ISO country code, e.g. the contact's country) is used for numbers without "+".
    """
    number = (number or "").strip()
    digits = _digits(number)
    if not digits:
        return set()
    region = (region or "").upper() or None
    parsed = _parse(number, region)
    if parsed is not None and phonenumbers.is_valid_number(parsed):
        return wa_id_keys(_e164_digits(parsed))
    # Not valid as typed: maybe international digits without "+" (or with "00"), a common way
    # to store numbers; phonenumbers reads them as national, or fails without a region.
    if not number.startswith("+"):
        international = digits[2:] if digits.startswith("00") else digits
        alt = _parse("+" + international)
        if alt is not None and phonenumbers.is_valid_number(alt):
            return wa_id_keys(_e164_digits(alt))
    if len(digits) < _MIN_RAW_DIGITS:
        return set()
    if parsed is not None:
        # Still worth keying: e.g. a Brazilian mobile written without its 9th digit.
        return wa_id_keys(_e164_digits(parsed))
    return wa_id_keys(digits)


def match_suffix(wa_id: str) -> str:
    """The last 8 digits, shared by every variant: a coarse SQL prefilter on contacts."""
    return _digits(wa_id)[-8:]


def wa_id_to_e164(wa_id: str) -> str:
    """A human-readable E.164 number for a wa_id, e.g. "+55 11 98765-4321"."""
    digits = _digits(wa_id)
    if not digits:
        return ""
    if m := _MX_13.match(digits):
        digits = f"52{m[1]}"  # the "1" is gone from Mexican numbering since 2019
    candidates = [digits]
    if m := _BR_12.match(digits):
        # Pre-9th-digit wa_id: the number people dial today has the 9.
        candidates.append(f"55{m[1]}9{m[2]}")
    for candidate in candidates:
        parsed = _parse("+" + candidate)
        if parsed is not None and phonenumbers.is_valid_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return "+" + digits
