"""The WhatsApp helpers that need no Odoo: wa_id/phone matching and text formatting."""

import importlib.util
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parent.parent / "omnichannel_whatsapp" / "tools"


def load(name):
    # By file path: importing the package would import Odoo.
    spec = importlib.util.spec_from_file_location(f"whatsapp_tools_{name}", TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


phone = load("phone")
formatting = load("formatting")


# ---------------------------------------------------------------------------------------------
# wa_id_keys
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wa_id", "keys"),
    [
        # Brazil: pre-9th-digit 12-digit wa_id <-> 13-digit number, both ways.
        ("551187654321", {"551187654321", "5511987654321"}),
        ("5511987654321", {"5511987654321", "551187654321"}),
        ("552197654321", {"552197654321", "5521997654321"}),
        ("558167654321", {"558167654321", "5581967654321"}),
        # Brazilian landline (8 digits from 2-5): no 9 to insert.
        ("551132345678", {"551132345678"}),
        # A 9-digit mobile whose rest starts 1-5 never had a 12-digit form.
        ("5511912345678", {"5511912345678"}),
        # Mexico: 521 + 10 <-> 52 + 10.
        ("5215512345678", {"5215512345678", "525512345678"}),
        ("525512345678", {"525512345678", "5215512345678"}),
        # Argentina: 549 + 10 <-> 54 + 10.
        ("5491123456789", {"5491123456789", "541123456789"}),
        ("541123456789", {"541123456789", "5491123456789"}),
        # Others: no variants.
        ("14155552671", {"14155552671"}),
        ("447946095800", {"447946095800"}),
        ("34612345678", {"34612345678"}),
        # Wrong lengths for the country rules: left alone.
        ("55119876543", {"55119876543"}),
        ("52155123456789", {"52155123456789"}),
        ("5411234567", {"5411234567"}),
        # Non-digits are stripped.
        ("+55 (11) 8765-4321", {"551187654321", "5511987654321"}),
        ("+1 415-555-2671", {"14155552671"}),
        (" 52 1 55 1234 5678 ", {"5215512345678", "525512345678"}),
        # Nothing there.
        ("", set()),
        (None, set()),
        ("abc", set()),
        ("+", set()),
    ],
)
def test_wa_id_keys(wa_id, keys):
    assert phone.wa_id_keys(wa_id) == keys


@pytest.mark.parametrize(
    "wa_id", ["551187654321", "5511987654321", "5215512345678", "5491123456789", "14155552671"]
)
def test_wa_id_keys_are_symmetric(wa_id):
    # Every key leads back to the same set: matching does not depend on which side is stored.
    keys = phone.wa_id_keys(wa_id)
    for key in keys:
        assert phone.wa_id_keys(key) == keys


# ---------------------------------------------------------------------------------------------
# phone_keys
# ---------------------------------------------------------------------------------------------

BR = {"551187654321", "5511987654321"}
MX = {"5215512345678", "525512345678"}
AR = {"5491123456789", "541123456789"}
US = {"14155552671"}


@pytest.mark.parametrize(
    ("number", "region", "keys"),
    [
        ("+55 (11) 98765-4321", None, BR),
        ("+55 11 98765-4321", "US", BR),  # "+" wins over the region
        ("+5511987654321", None, BR),
        ("(11) 98765-4321", "BR", BR),
        ("11 98765 4321", "br", BR),  # region case does not matter
        ("011 98765-4321", "BR", BR),  # trunk prefix 0
        ("+55 11 8765-4321", None, BR),  # old mobile, as some contacts still have it
        ("(11) 8765-4321", "BR", BR),
        ("0055 11 98765 4321", "BR", BR),  # international prefix 00
        ("5511987654321", None, BR),  # international digits without "+"
        ("5511987654321", "US", BR),  # ... even when the region says otherwise
        ("+55 11 3234-5678", None, {"551132345678"}),  # landline
        ("+52 1 55 1234 5678", None, MX),
        ("+52 55 1234 5678", None, MX),
        ("55 1234 5678", "MX", MX),
        ("+54 9 11 2345-6789", None, AR),
        ("+54 11 2345-6789", None, AR),
        ("011 15 2345-6789", "AR", AR),  # national mobile form with the "15"
        ("011 2345-6789", "AR", AR),
        ("+1 (415) 555-2671", None, US),
        ("(415) 555-2671", "US", US),
        ("415.555.2671", "US", US),
        ("+1 415 555 2671 ext. 12", None, US),  # extension is not part of the number
        ("+44 20 7946 0958", "BR", {"442079460958"}),
        # Unparsable: its digits when there are enough of them, else nothing.
        ("011 5555 1234", None, {"01155551234"}),
        ("12345678", None, {"12345678"}),
        ("(415) 555-2671", "ZZ", {"4155552671"}),
        ("1234567", None, set()),
        ("123", "BR", set()),
        ("call me", "BR", set()),
        ("", "BR", set()),
        (None, None, set()),
    ],
)
def test_phone_keys(number, region, keys):
    assert phone.phone_keys(number, region) == keys


@pytest.mark.parametrize(
    ("wa_id", "number", "region"),
    [
        ("551187654321", "+55 11 98765-4321", None),
        ("551187654321", "(11) 98765-4321", "BR"),
        ("5511987654321", "+55 11 98765-4321", None),
        ("5511987654321", "+55 11 8765-4321", None),
        ("5215512345678", "+52 55 1234 5678", None),
        ("5215512345678", "55 1234 5678", "MX"),
        ("5215512345678", "+52 1 55 1234 5678", None),
        ("525512345678", "+52 1 55 1234 5678", None),
        ("5491123456789", "+54 9 11 2345-6789", None),
        ("5491123456789", "+54 11 2345-6789", None),
        ("5491123456789", "011 15 2345-6789", "AR"),
        ("14155552671", "+1 (415) 555-2671", None),
        ("14155552671", "(415) 555-2671", "US"),
    ],
)
def test_wa_id_matches_contact_number(wa_id, number, region):
    assert phone.wa_id_keys(wa_id) & phone.phone_keys(number, region)
    assert phone.match_suffix(wa_id) == phone.match_suffix(
        "".join(ch for ch in number if ch.isdigit())
    )


@pytest.mark.parametrize(
    ("wa_id", "number", "region"),
    [
        ("551132345678", "+55 11 93234-5678", None),  # a landline is not a mobile without 9
        ("5511987654321", "+55 21 98765-4321", None),  # other DDD
        ("525512345678", "+54 55 1234 5678", None),  # other country, same digits
        ("14155552671", "(415) 555-2672", "US"),
    ],
)
def test_wa_id_does_not_match_other_numbers(wa_id, number, region):
    assert not phone.wa_id_keys(wa_id) & phone.phone_keys(number, region)


# ---------------------------------------------------------------------------------------------
# match_suffix, wa_id_to_e164
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wa_id", "suffix"),
    [
        ("551187654321", "87654321"),
        ("5511987654321", "87654321"),
        ("5215512345678", "12345678"),
        ("+1 415-555-2671", "55552671"),
        ("1234", "1234"),
        ("", ""),
        (None, ""),
    ],
)
def test_match_suffix(wa_id, suffix):
    assert phone.match_suffix(wa_id) == suffix


@pytest.mark.parametrize("wa_id", ["551187654321", "5215512345678", "5491123456789"])
def test_match_suffix_is_shared_by_variants(wa_id):
    assert {phone.match_suffix(key) for key in phone.wa_id_keys(wa_id)} == {
        phone.match_suffix(wa_id)
    }


@pytest.mark.parametrize(
    ("wa_id", "e164"),
    [
        ("5511987654321", "+55 11 98765-4321"),
        ("551187654321", "+55 11 98765-4321"),  # the number dialled today has the 9
        ("551132345678", "+55 11 3234-5678"),
        ("5215512345678", "+52 55 1234 5678"),  # modern Mexican form
        ("525512345678", "+52 55 1234 5678"),
        ("5491123456789", "+54 9 11 2345-6789"),
        ("14155552671", "+1 415-555-2671"),
        ("447946095800", "+44 7946 095800"),
        ("+1 (415) 555-2671", "+1 415-555-2671"),
        ("999123", "+999123"),  # not a valid number: plain digits
        ("12", "+12"),
        ("", ""),
        (None, ""),
    ],
)
def test_wa_id_to_e164(wa_id, e164):
    assert phone.wa_id_to_e164(wa_id) == e164


def test_wa_id_to_e164_keys_match_the_wa_id():
    # Storing the human form on a new contact must still find the contact by wa_id later.
    for wa_id in ["551187654321", "5215512345678", "5491123456789", "14155552671"]:
        assert phone.wa_id_keys(wa_id) & phone.phone_keys(phone.wa_id_to_e164(wa_id))


# ---------------------------------------------------------------------------------------------
# html_to_whatsapp
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "text"),
    [
        # Inline tags.
        ("<b>bold</b>", "*bold*"),
        ("<strong>bold</strong>", "*bold*"),
        ("<i>it</i> <em>em</em>", "_it_ _em_"),
        ("<s>a</s> <del>b</del> <strike>c</strike>", "~a~ ~b~ ~c~"),
        ("use <code>pip  install</code> now", "use `pip install` now"),
        ("<span style='font-weight: bold'>x</span>", "*x*"),
        ("<span style='font-style:italic'>x</span>", "_x_"),
        ("<u>under</u>lined", "underlined"),  # no WhatsApp equivalent
        # Markers hug the text; surrounding spaces go outside.
        ("<b>bold </b>text", "*bold* text"),
        ("a<b> bold</b>", "a *bold*"),
        ("x <i>  spaced  </i> y", "x _spaced_ y"),
        ("<b> </b>x", "x"),
        ("<b></b>x", "x"),
        # Nesting.
        ("<b><i>both</i></b>", "*_both_*"),
        ("<i>a <b>b</b> c</i>", "_a *b* c_"),
        ("<b>a <strong>b</strong> c</b>", "*a b c*"),  # no doubled marker
        ("<b><s>x</s></b>", "*~x~*"),
        # Markers do not span lines.
        ("<b>one<br>two</b>", "*one*\n*two*"),
        # Breaks and blocks.
        ("a<br>b", "a\nb"),
        ("a<br/><br/>b", "a\n\nb"),
        ("a<br><br><br><br>b", "a\n\nb"),
        ("<p>one</p><p>two</p>", "one\n\ntwo"),
        ("<div>one</div><div>two</div>", "one\ntwo"),
        ("<p>one</p><br><p>two</p>", "one\n\ntwo"),
        ("<div><p>in</p></div><div>out</div>", "in\n\nout"),
        ("<h2>Title</h2><p>body</p>", "*Title*\n\nbody"),
        ("<h1>Title <b>x</b></h1>", "*Title x*"),
        ("text<p>para</p>tail", "text\n\npara\n\ntail"),
        (
            "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>",
            "A | B\n1 | 2",
        ),
        # Lists.
        ("<ul><li>one</li><li>two</li></ul>", "- one\n- two"),
        ("<ol><li>one</li><li>two</li></ol>", "1. one\n2. two"),
        ("<ol start='3'><li>c</li><li>d</li></ol>", "3. c\n4. d"),
        ("<ul><li><b>bold</b> item</li></ul>", "- *bold* item"),
        ("<ul><li>a<ul><li>sub</li></ul></li><li>b</li></ul>", "- a\n  - sub\n- b"),
        ("<ol><li>a<ol><li>sub</li></ol></li></ol>", "1. a\n   1. sub"),
        ("<ul><li><p>p1</p><p>p2</p></li></ul>", "- p1\n  p2"),
        ("<ul><li></li><li>x</li></ul>", "- x"),
        ("<p>before</p><ul><li>x</li></ul><p>after</p>", "before\n\n- x\n\nafter"),
        # Links.
        ("<a href='https://odoo.com'>Odoo</a>", "Odoo (https://odoo.com)"),
        ("<a href='https://odoo.com'>https://odoo.com</a>", "https://odoo.com"),
        ("<a href='https://odoo.com/'>odoo.com</a>", "odoo.com"),
        ("<a href='https://odoo.com'></a>", "https://odoo.com"),
        ("<a href='https://odoo.com'><b>Odoo</b></a>", "*Odoo* (https://odoo.com)"),
        ("<a href='mailto:a@b.co'>a@b.co</a>", "a@b.co"),
        ("<a href='mailto:a@b.co'>Write us</a>", "Write us (a@b.co)"),
        ("<a href='tel:+14155552671'>Call</a>", "Call (+14155552671)"),
        ("<a href='/web#id=3'>relative</a>", "relative"),
        ("<a href='#top'>anchor</a>", "anchor"),
        ("<a>no href</a>", "no href"),
        ("<a href='javascript:alert(1)'>js</a>", "js"),
        (
            "<a href='https://x.odoo.com/odoo/res.partner/3' class='o_mail_redirect'>@Mitchell</a>",
            "@Mitchell",
        ),
        # Quotes and preformatted text.
        ("<blockquote>quoted<br>two</blockquote><p>reply</p>", "> quoted\n> two\n\nreply"),
        ("<blockquote>a<blockquote>b</blockquote></blockquote>", "> a\n>\n> > b"),
        ("<pre>\nline 1\n    indented\n</pre>", "```line 1\n    indented```"),
        ("<pre><code>x = 1</code></pre>", "```x = 1```"),
        ("<blockquote><pre>a\n b</pre></blockquote>", "> ```a\n>  b```"),
        ("<p>x <code>a<br>b</code></p>", "x ```a\nb```"),
        # Entities and whitespace.
        ("AT&amp;T &lt;tag&gt; caf&eacute; &#128512; &quot;q&quot;", 'AT&T <tag> café 😀 "q"'),
        ("a&nbsp;&nbsp;b", "a b"),
        ("  lots   of\n\n  spaces\t here  ", "lots of spaces here"),
        ("<p>  padded  </p>", "padded"),
        # Whatever is not text goes away.
        ("<script>alert(1)</script><style>p {}</style>ok<!-- note -->!", "ok!"),
        ("<img src='x.png'>pic", "pic"),
        ("<html><body><p>doc</p></body></html>", "doc"),
        # Malformed input and nothing at all.
        ("<p>unclosed <b>bold <i>both</p><div>next", "unclosed *bold _both_*\n\nnext"),
        ("</b>stray close", "stray close"),
        ("<<<>>>", "<<<>>>"),
        ("a < b > c", "a < b > c"),
        ("<p></p><p> </p>", ""),
        ("<!-- only a comment -->", ""),
        ("plain", "plain"),
        ("", ""),
        ("   ", ""),
        (None, ""),
        ("nul\x00 and \x01 bell\x07", "nul and bell"),
    ],
)
def test_html_to_whatsapp(html, text):
    assert formatting.html_to_whatsapp(html) == text


def test_html_to_whatsapp_accepts_markup_and_bytes():
    markupsafe = pytest.importorskip("markupsafe")
    assert formatting.html_to_whatsapp(markupsafe.Markup("<b>x</b>")) == "*x*"
    assert formatting.html_to_whatsapp("<i>é</i>".encode()) == "_é_"


def test_html_to_whatsapp_never_leaves_tags_or_blank_runs():
    html = "<div><p>a</p><p></p><p></p><br><br><p>b</p><ul><li><p>c</p></li></ul></div>" * 3
    text = formatting.html_to_whatsapp(html)
    assert "<" not in text
    assert "\n\n\n" not in text
    assert text == text.strip()


# ---------------------------------------------------------------------------------------------
# whatsapp_to_html
# ---------------------------------------------------------------------------------------------

A = '<a href="{0}" target="_blank" rel="noreferrer noopener">{0}</a>'


@pytest.mark.parametrize(
    ("text", "html"),
    [
        # Escaping: nothing in a payload is HTML.
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("say \"hi\" & 'bye'", "say &quot;hi&quot; &amp; &#x27;bye&#x27;"),
        ("<b>not bold</b>", "&lt;b&gt;not bold&lt;/b&gt;"),
        ("&amp;", "&amp;amp;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        # Markers.
        ("*bold*", "<b>bold</b>"),
        ("_italic_", "<i>italic</i>"),
        ("~strike~", "<s>strike</s>"),
        ("`inline`", "<code>inline</code>"),
        ("```mono```", "<code>mono</code>"),
        ("```line 1\nline 2```", "<code>line 1<br>line 2</code>"),
        ("a *bold* and _it_ end", "a <b>bold</b> and <i>it</i> end"),
        ("*two words*", "<b>two words</b>"),
        ("*a* *b*", "<b>a</b> <b>b</b>"),
        ("(*x*), *y*!", "(<b>x</b>), <b>y</b>!"),
        ("*_both_*", "<b><i>both</i></b>"),
        ("_*both*_", "<i><b>both</b></i>"),
        ("*bold ~strike~*", "<b>bold <s>strike</s></b>"),
        ('"*q*"', "&quot;<b>q</b>&quot;"),
        ("*<x>*", "<b>&lt;x&gt;</b>"),
        # Not markers.
        ("snake_case_name", "snake_case_name"),
        ("file_name.py", "file_name.py"),
        ("2*3*4", "2*3*4"),
        ("a * b * c", "a * b * c"),
        ("* not bold *", "* not bold *"),
        ("*not\nbold*", "*not<br>bold*"),
        ("word*bold*", "word*bold*"),
        ("*bold*word", "*bold*word"),
        ("**", "**"),
        ("~~", "~~"),
        ("``", "``"),
        ("*a _b* c_", "<b>a _b</b> c_"),  # overlapping markers stay well nested
        # Code is taken literally.
        ("`*not bold* <b>`", "<code>*not bold* &lt;b&gt;</code>"),
        ("```_x_ https://a.io```", "<code>_x_ https://a.io</code>"),
        # URLs.
        ("https://odoo.com", A.format("https://odoo.com")),
        ("see http://a.io/x.", f"see {A.format('http://a.io/x')}."),
        ("https://a.io/?q=1&r=2", A.format("https://a.io/?q=1&amp;r=2")),
        ("https://a.io/snake_case_path", A.format("https://a.io/snake_case_path")),
        (
            "(https://en.wikipedia.org/wiki/A_(b))",
            f"({A.format('https://en.wikipedia.org/wiki/A_(b)')})",
        ),
        ("<https://a.io>", f"&lt;{A.format('https://a.io')}&gt;"),
        ('https://a.io/"onmouseover=x', f"{A.format('https://a.io/')}&quot;onmouseover=x"),
        ("*https://a.io*", f"<b>{A.format('https://a.io')}</b>"),
        ("ftp://a.io www.a.io", "ftp://a.io www.a.io"),
        ("https://", "https://"),
        # Newlines.
        ("a\nb", "a<br>b"),
        ("a\r\nb\rc", "a<br>b<br>c"),
        ("a\n\nb", "a<br><br>b"),
        # Nothing.
        ("", ""),
        (None, ""),
    ],
)
def test_whatsapp_to_html(text, html):
    result = formatting.whatsapp_to_html(text)
    assert result == html
    assert type(result) is str


@pytest.mark.parametrize(
    "text",
    [
        "*bold* _italic_ ~strike~ `code`",
        "Hello *world*,\nhow are _you_?",
        "line 1\n\nline 3",
        "*_both_* and ~*struck bold*~",
        "visit https://odoo.com/page?a=1&b=2 today",
        "2*3*4 snake_case_name",
        'quotes "x" & <tags>',
        "```a\nb```",
        "",
    ],
)
def test_round_trip(text):
    assert formatting.html_to_whatsapp(formatting.whatsapp_to_html(text)) == text
