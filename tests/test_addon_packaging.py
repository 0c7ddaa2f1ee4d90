"""Each addon is a complete OCA-style Odoo 18.0 addon that builds as an odoo-addon-* wheel."""

import ast
import re
import sys
import zipfile

import polib
import pytest
from conftest import REPO, run

ADDONS = [
    "omnichannel_chat",
    "omnichannel_whatsapp",
    "omnichannel_livechat",
    "omnichannel_dashboard",
]


def manifest(addon):
    return ast.literal_eval((REPO / addon / "__manifest__.py").read_text())


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest(addon):
    data = manifest(addon)
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", data["version"]), data["version"]
    assert data["license"] == "LGPL-3"
    assert data["author"] and data["website"].startswith("https://")
    assert data["depends"]
    for path in data.get("data", []) + data.get("demo", []):
        assert (REPO / addon / path).is_file(), path


@pytest.mark.parametrize("addon", ADDONS)
def test_oca_files(addon):
    root = REPO / addon
    for fragment in ("DESCRIPTION.md", "USAGE.md", "CONTRIBUTORS.md"):
        assert (root / "readme" / fragment).read_text().strip(), fragment
    assert (root / "static" / "description" / "icon.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (root / "i18n" / f"{addon}.pot").is_file()
    for lang in ("es", "pt_BR"):
        assert (root / "i18n" / f"{lang}.po").is_file()


@pytest.mark.parametrize("addon", ADDONS)
def test_wheel_builds(addon, tmp_path):
    result = run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path),
            str(REPO / addon),
        ],
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("*.whl")
    assert wheel.name.startswith(f"odoo_addon_{addon}-{manifest(addon)['version']}")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        text = archive.read(metadata).decode()
    assert f"odoo/addons/{addon}/__manifest__.py" in names
    assert "Requires-Dist: odoo==18.0.*" in text


PLACEHOLDERS = re.compile(r"%\(\w+\)s|%s|\{\{\s*\w+")


@pytest.mark.parametrize("addon", ADDONS)
@pytest.mark.parametrize("lang", ["es", "pt_BR"])
def test_translations_complete(addon, lang):
    """Every term of the .pot is translated, with the same placeholders."""
    pot = polib.pofile(str(REPO / addon / "i18n" / f"{addon}.pot"))
    po = {entry.msgid: entry for entry in polib.pofile(str(REPO / addon / "i18n" / f"{lang}.po"))}
    for entry in pot:
        translated = po.get(entry.msgid)
        assert translated and translated.msgstr and "fuzzy" not in translated.flags, entry.msgid
        assert sorted(PLACEHOLDERS.findall(translated.msgstr)) == sorted(
            PLACEHOLDERS.findall(entry.msgid)
        ), entry.msgid
