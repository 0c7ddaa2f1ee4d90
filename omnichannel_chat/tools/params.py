"""The parameters the desk's routes receive from the browser, checked before they are used:
JSON gives any type, and a wrong one must be a clear error for the user, never a traceback."""

from odoo.exceptions import UserError

# The longest text an agent types in one parameter (a note, a name, a search).
MAX_TEXT_LENGTH = 65536


def _wrong(env, label, expected):
    return UserError(
        env._("“%(parameter)s” must be %(expected)s.", parameter=label, expected=expected)
    )


def check_id(env, value, label, required=False):
    """A record id (a positive integer), or None when not given and not required."""
    if value in (None, False) and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise _wrong(env, label, env._("a record id"))
    return value


def check_ids(env, value, label):
    """A list of record ids."""
    if not isinstance(value, list) or not all(
        isinstance(item, int) and not isinstance(item, bool) and item > 0 for item in value
    ):
        raise _wrong(env, label, env._("a list of record ids"))
    return value


def check_text(env, value, label, required=False):
    """A text (None when not given and not required)."""
    if value in (None, False) and not required:
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT_LENGTH:
        raise _wrong(env, label, env._("a text"))
    if required and not value.strip():
        raise _wrong(env, label, env._("a text"))
    return value


def check_bool(env, value, label):
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _wrong(env, label, env._("true or false"))
    return value


def check_choice(env, value, choices, label):
    """One of `choices` (a collection of strings)."""
    if not isinstance(value, str) or value not in choices:
        raise _wrong(env, label, env._("one of %s", ", ".join(sorted(choices))))
    return value
