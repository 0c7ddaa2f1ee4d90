"""Convert between Odoo message HTML and WhatsApp's text formatting.

Pure Python (no Odoo import) so it loads standalone by file path in tests.

WhatsApp marks *bold*, _italic_, ~strike~, `code` and ```monospace``` in plain text; a marker
only works when it hugs the text ("*bold*", not "* bold *") and does not sit inside a word.
"""

import html as html_lib
import re

from lxml import etree
from lxml import html as lxml_html

# ---------------------------------------------------------------------------------------------
# HTML -> WhatsApp
# ---------------------------------------------------------------------------------------------

# Intermediate markers, never present in the text (control characters are dropped on input):
# a line break from a block edge, a paragraph break, and a token for an already laid-out block.
_LINE, _PARA = "\x01", "\x02"
_TOKEN = "\x03{}\x03"
_TOKEN_RE = re.compile(r"\x03(\d+)\x03")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\n\r\f\xa0]+")
_BREAKS = re.compile(r"[ \n\x01\x02]*[\n\x01\x02][ \n\x01\x02]*")
_SEGMENTS = re.compile(r"([ \n\x01\x02]*[\n\x01\x02][ \n\x01\x02]*|\x03\d+\x03)")

_DROP = {"script", "style", "head", "title", "template", "noscript", "iframe", "object", "svg"}
_PARA_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "hr", "figure"}
_LINE_BLOCKS = {
    "div", "section", "article", "header", "footer", "nav", "aside", "main", "address",
    "dl", "dt", "dd", "tr", "caption", "form", "fieldset", "details", "summary", "center",
}  # fmt: skip
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_MARKERS = {
    "b": "*", "strong": "*",
    "i": "_", "em": "_", "cite": "_", "var": "_",
    "s": "~", "del": "~", "strike": "~",
}  # fmt: skip
_STYLE_MARKERS = (
    (re.compile(r"font-weight\s*:\s*(bold|bolder|[6-9]00)", re.I), "*"),
    (re.compile(r"font-style\s*:\s*italic", re.I), "_"),
    (re.compile(r"text-decoration(-line)?\s*:[^;]*line-through", re.I), "~"),
)
_LINK_NOISE = re.compile(r"^(https?://|mailto:|tel:)|/$", re.I)
_LINK_SCHEME = re.compile(r"^(mailto|tel):", re.I)
_ABSOLUTE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


class _Renderer:
    def __init__(self):
        self.blocks = []  # laid-out blocks (lists, quotes, pre), spliced back by token

    # Layout ----------------------------------------------------------------------------------

    def token(self, text, block=True):
        """Keep laid-out text (indentation, pre whitespace) away from the parent's layout."""
        self.blocks.append(text)
        token = _TOKEN.format(len(self.blocks) - 1)
        return _PARA + token + _PARA if block else token

    def resolve(self, text):
        """Intermediate text -> final lines: breaks merged as a browser would, lines trimmed."""

        def breaks(match):
            run = match.group()
            # Block edges do not stack (max); <br>s do; never more than one blank line.
            count = max(run.count("\n"), 2 if _PARA in run else 1)
            return "\n" * min(count, 2)

        text = re.sub(" {2,}", " ", text)
        text = _BREAKS.sub(breaks, text).strip(" \n")
        return _TOKEN_RE.sub(lambda m: self.blocks[int(m[1])], text)

    # Inline ----------------------------------------------------------------------------------

    @staticmethod
    def wrap(text, marker):
        """Put marker around each line of text, hugging it (spaces go outside)."""

        def one(segment):
            core = segment.strip(" ")
            if not core:
                return segment
            lead = segment[: len(segment) - len(segment.lstrip(" "))]
            trail = segment[len(segment.rstrip(" ")) :]
            return f"{lead}{marker}{core}{marker}{trail}"

        parts = _SEGMENTS.split(text)
        # Odd parts are breaks or tokens: WhatsApp markers do not span lines.
        return "".join(part if i % 2 else one(part) for i, part in enumerate(parts))

    @staticmethod
    def text(value):
        return _SPACES.sub(" ", _CONTROL.sub("", value or ""))

    def raw_text(self, el):
        """Text of el with <br> as newlines, whitespace kept (for code and pre)."""
        out = [_CONTROL.sub("", el.text or "")]
        for child in el:
            if isinstance(child.tag, str):
                tag = child.tag.lower()
                if tag == "br":
                    out.append("\n")
                elif tag not in _DROP:
                    out.append(self.raw_text(child))
                    if tag in _PARA_BLOCKS or tag in _LINE_BLOCKS:
                        out.append("\n")
            out.append(_CONTROL.sub("", child.tail or ""))
        return "".join(out)

    # Tree ------------------------------------------------------------------------------------

    def children(self, el, active):
        out = [self.text(el.text)]
        for child in el:
            out.append(self.node(child, active))
            out.append(self.text(child.tail))
        return "".join(out)

    def node(self, el, active=frozenset()):
        if not isinstance(el.tag, str):  # comment, processing instruction
            return ""
        tag = el.tag.lower()
        if tag in _DROP:
            return ""
        if tag == "br":
            return "\n"
        if tag == "pre":
            body = self.raw_text(el).expandtabs(4)
            body = body[1:] if body.startswith("\n") else body  # HTML drops it too
            body = body.rstrip()
            return self.token(f"```{body}```") if body.strip() else _PARA
        if tag in ("code", "kbd", "samp", "tt"):
            body = self.raw_text(el)
            if "\n" in body.strip():
                return self.token(f"```{body.strip(chr(10))}```", block=False)
            return self.wrap(self.text(body), "`")
        if tag in ("ul", "ol"):
            return self.list(el, tag, active)
        if tag == "blockquote":
            body = self.resolve(self.children(el, active))
            return self.token("\n".join(f"> {line}".rstrip() for line in body.split("\n")))
        if tag == "a":
            return self.link(el, active)
        if tag == "tr":
            cells = [c for c in el if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]
            if cells:
                row = " | ".join(self.resolve(self.node(c, active)) for c in cells)
                return _LINE + row.replace("\n", " ") + _LINE
        body = self.styled(el, tag, active)
        if tag in _HEADINGS:
            body = self.wrap(body, "*") if "*" not in active else body
        if tag in _PARA_BLOCKS:
            return _PARA + body + _PARA
        if tag in _LINE_BLOCKS or tag == "li":
            return _LINE + body + _LINE
        return body

    def styled(self, el, tag, active):
        markers = []
        if tag in _MARKERS:
            markers.append(_MARKERS[tag])
        for pattern, marker in _STYLE_MARKERS:
            if pattern.search(el.get("style") or ""):
                markers.append(marker)
        markers = [m for i, m in enumerate(markers) if m not in active and m not in markers[:i]]
        if tag in _HEADINGS:
            markers = [m for m in markers if m != "*"]
            active = active | {"*"}
        body = self.children(el, active | set(markers))
        for marker in reversed(markers):
            body = self.wrap(body, marker)
        return body

    def list(self, el, tag, active):
        try:
            number = int(el.get("start") or 1)
        except ValueError:
            number = 1
        lines = []
        for child in el:
            child_tag = child.tag.lower() if isinstance(child.tag, str) else None
            if child_tag == "li":
                # Blank lines (inner <p>s, sublists) would split the item visually.
                body = re.sub(r"\n{2,}", "\n", self.resolve(self.children(child, active)))
                if body:  # empty items are editor leftovers
                    bullet = f"{number}. " if tag == "ol" else "- "
                    number += 1
                    first, *rest = body.split("\n")
                    lines.append(bullet + first)
                    lines.extend(f"{' ' * len(bullet)}{line}".rstrip() for line in rest)
            else:  # stray content between items, e.g. a sublist outside any <li>
                stray = self.resolve(self.node(child, active) + self.text(child.tail))
                indent = "  " if child_tag in ("ul", "ol") else ""
                lines.extend(f"{indent}{line}".rstrip() for line in stray.split("\n") if stray)
                continue
            if tail := self.resolve(self.text(child.tail)):
                lines.append(tail)
        if stray := self.resolve(self.text(el.text)):
            lines.insert(0, stray)
        return self.token("\n".join(lines)) if lines else _PARA

    def link(self, el, active):
        text = self.children(el, active)
        href = (el.get("href") or "").strip()
        classes = (el.get("class") or "").split()
        # Relative and script links mean nothing in a chat; mentions point inside Odoo.
        if (
            not _ABSOLUTE.match(href)
            or href.lower().startswith("javascript:")
            or {"o_mail_redirect", "o_channel_redirect"} & set(classes)
        ):
            return text
        shown = self.resolve(text)
        target = _LINK_SCHEME.sub("", href) if _LINK_SCHEME.match(href) else href
        if not shown:
            return target
        if _LINK_NOISE.sub("", shown).lower() == _LINK_NOISE.sub("", href).lower():
            return text  # the text already is the address
        return f"{text} ({target})"


def html_to_whatsapp(html: str) -> str:
    """Odoo message HTML -> WhatsApp text with its formatting markers."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    html_text = _CONTROL.sub("", str(html or ""))
    if not html_text.strip():
        return ""
    try:
        root = lxml_html.fragment_fromstring(html_text, create_parent="div")
        renderer = _Renderer()
        text = renderer.resolve(renderer.node(root))
    except (etree.ParserError, ValueError, RecursionError):
        # Unreadable or absurdly nested: drop anything tag-like, keep the text.
        text = _SPACES.sub(" ", html_lib.unescape(re.sub(r"<[^>]*>", " ", html_text))).strip()
    return re.sub(r"\n{3,}", "\n\n", text)


# ---------------------------------------------------------------------------------------------
# WhatsApp -> HTML
# ---------------------------------------------------------------------------------------------

_HOLD = "\x00{}\x00"
_HOLD_RE = re.compile(r"\x00(\d+)\x00")
_CODE = re.compile(r"```(.+?)```|`([^`\n]+)`", re.S)
_URL = re.compile(r"https?://[^\s<>\"'`\x00]+", re.I)
_URL_TRAILING = ".,;:!?*_~'\")]}"
# A marker opens after a non-word character and before non-space, closes the other way round;
# content stays on one line. So snake_case_name and 2*3*4 stay as they are.
_INLINE = re.compile(
    "|".join(
        rf"(?<![\w{m}])(?P<{name}>{m}(?![\s{m}])[^\n]+?(?<![\s{m}]){m})(?![\w{m}])"
        for name, m in (("b", re.escape("*")), ("i", "_"), ("s", "~"))
    )
)


def _trim_url(url):
    """Leave sentence punctuation (and a closing bracket not opened in the URL) outside."""
    while url and url[-1] in _URL_TRAILING:
        if url[-1] in ")]}" and url.count({")": "(", "]": "[", "}": "{"}[url[-1]]) >= url.count(
            url[-1]
        ):
            break
        url = url[:-1]
    return url


def _markers(text):
    """Escaped text -> text with <b>/<i>/<s>, nested properly (leftmost marker first)."""
    out, pos = [], 0
    for match in _INLINE.finditer(text):
        tag = match.lastgroup
        out.append(text[pos : match.start()])
        out.append(f"<{tag}>{_markers(match.group()[1:-1])}</{tag}>")
        pos = match.end()
    out.append(text[pos:])
    return "".join(out)


def whatsapp_to_html(text: str) -> str:
    """WhatsApp text -> safe HTML for a message body (everything in it is escaped first)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text:
        return ""
    held = []

    def hold(fragment):
        held.append(fragment)
        return _HOLD.format(len(held) - 1)

    def code(match):
        body = match[1] if match[1] is not None else match[2]
        if not body.strip():
            return match.group()
        body = html_lib.escape(body.strip("\n") if match[1] is not None else body)
        return hold(f"<code>{body.replace(chr(10), '<br>')}</code>")

    def link(match):
        url = _trim_url(match.group())
        if "://" not in url or url.endswith("://"):
            return match.group()
        anchor = (
            f'<a href="{html_lib.escape(url)}" target="_blank" rel="noreferrer noopener">'
            f"{html_lib.escape(url)}</a>"
        )
        return hold(anchor) + match.group()[len(url) :]

    # Code first: nothing inside it is formatting or a link.
    text = _CODE.sub(code, text)
    text = _URL.sub(link, text)
    text = _markers(html_lib.escape(text))
    text = text.replace("\n", "<br>")
    # Held fragments cannot contain other holds: code and links were taken out separately.
    return _HOLD_RE.sub(lambda m: held[int(m[1])], text)
