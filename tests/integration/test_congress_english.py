"""The English catalog: every interface string of the foundation pages and forms has a real
English translation, the labels shown from the models too, and the compiled .mo matches
the .po it comes from (so `make i18n` was run and both were committed)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from election_app.auth.models import ROLE_LABELS
from election_app.congress.models import KIND_LABELS
from election_app.delegates.models import CATEGORY_LABELS, CREDENTIAL_LABELS

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.mo"
FOUNDATION = ["templates/base.html", "templates/_form_field.html", "templates/congress", "templates/delegates",
              "templates/auth", "templates/errors", "election_app/congress", "election_app/delegates",
              "election_app/auth"]


def _catalog():
    with PO.open("rb") as fh:
        return read_po(fh)


def _foundation_msgids() -> set[str]:
    found: set[str] = set()
    for rel in FOUNDATION:
        path = ROOT / rel
        directory, pattern = (path, "**.*") if path.is_dir() else (path.parent, path.name)
        method = [(f"{pattern}" if path.is_file() else "**.html", "jinja2"), ("**.py", "python")]
        for _, _, message, _, _ in extract_from_dir(str(directory), method_map=method,
                                                    keywords={"_": None, "_l": None, "gettext": None}):
            if isinstance(message, str):
                found.add(message)
    return found


def test_every_foundation_string_has_english():
    catalog = _catalog()
    ids = _foundation_msgids()
    assert len(ids) > 150, "extraction found the templates and forms"
    missing = sorted(i for i in ids if not (catalog.get(i) and catalog.get(i).string))
    assert missing == [], f"run `make i18n` and translate: {missing}"
    copied = sorted(i for i in ids if catalog.get(i).string == i)
    assert copied == [], f"translations that are the Vietnamese text itself: {copied}"


def test_labels_shown_from_the_models_are_translated():
    catalog = _catalog()
    for labels in (ROLE_LABELS, KIND_LABELS, CATEGORY_LABELS, CREDENTIAL_LABELS):
        for vi in labels.values():
            entry = catalog.get(vi)
            assert entry is not None and entry.string and entry.string != vi, vi


def test_compiled_mo_is_up_to_date(tmp_path):
    out = tmp_path / "messages.mo"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "-i", str(PO), "-o", str(out),
                    "-l", "en"], check=True, capture_output=True)
    with out.open("rb") as fh:
        fresh = {m.id: m.string for m in read_mo(fh) if m.id}
    with MO.open("rb") as fh:
        committed = {m.id: m.string for m in read_mo(fh) if m.id}
    assert committed == fresh, "translations/en/LC_MESSAGES/messages.mo is stale: run `make i18n` and commit it"
