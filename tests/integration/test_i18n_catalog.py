"""The whole English catalog: every msgid has a real translation (none empty, none fuzzy,
placeholders kept), every string the code marks for translation is in the catalog, the labels
shown from models and services have English, and the committed .mo is a fresh compile of the
.po. Then, with the English interface, the main page of each feature has no Vietnamese left
in its <h1> (data such as the congress name aside)."""
from __future__ import annotations

import html
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from tests.conftest import csrf_from

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.mo"
VIETNAMESE = re.compile(r"[À-ỹĐđ]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{[^{}]*\}")


def _catalog():
    with PO.open("rb") as fh:
        return read_po(fh)


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


# --- the catalog ----------------------------------------------------------------------------

def test_every_msgid_has_english_and_none_is_fuzzy():
    catalog = _catalog()
    messages = [m for m in catalog if m.id]
    assert len(messages) > 700, "the catalog holds every feature's strings"
    assert not catalog.fuzzy, "the catalog header is marked fuzzy: pybabel compile would skip it"
    empty = [m.id for m in messages if not all(_strings(m))]
    assert empty == [], f"msgids without English (translate them in {PO.name}): {empty}"
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert fuzzy == [], f"fuzzy entries (check the translation, then drop the flag): {fuzzy}"


def test_translations_keep_their_placeholders():
    broken = []
    for m in _catalog():
        if not m.id:
            continue
        wanted = sorted(PLACEHOLDER.findall(_ids(m)[0]))
        for s in _strings(m):
            if s and sorted(PLACEHOLDER.findall(s)) != wanted:
                broken.append((m.id, s))
    assert broken == []


def test_every_marked_string_is_in_the_catalog():
    """`make i18n` was run after the last string was wrapped (same extraction as babel.cfg)."""
    catalog = _catalog()
    method_map = [("election_app/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "_l": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
                "lazy_gettext": None}
    missing = []
    for _, _, message, _, context in extract_from_dir(str(ROOT), method_map=method_map, keywords=keywords):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid and catalog.get(msgid, context=context) is None:
            missing.append(msgid)
    assert missing == [], f"run `make i18n` and translate: {sorted(set(missing))}"


def test_labels_shown_from_models_and_services_have_english():
    """Templates show these through ``_(label)``; each feature's forms list them for extraction."""
    from election_app.agenda.presets import KIND_LABELS, SECTION_LABELS, STATUS_LABELS
    from election_app.congress.models import OFFICIAL_ROLES
    from election_app.delegates.services import FIELD_LABELS
    from election_app.elections.models import BODY_LABELS, NOMINATION_LABELS
    from election_app.elections.services import METHOD_LABELS, OUTCOME_LABELS
    from election_app.elections.services import STATUS_LABELS as ROUND_STATUS_LABELS
    from election_app.rules import DEFECT_REASONS, INVALID_REASONS
    from election_app.voting.services import METHOD_STATUS

    catalog = _catalog()
    missing = []
    for labels in (SECTION_LABELS, KIND_LABELS, STATUS_LABELS, OFFICIAL_ROLES, FIELD_LABELS, BODY_LABELS,
                   NOMINATION_LABELS, OUTCOME_LABELS, ROUND_STATUS_LABELS, METHOD_LABELS, DEFECT_REASONS,
                   INVALID_REASONS, METHOD_STATUS):
        for vi in labels.values():
            entry = catalog.get(vi)
            if entry is None or not entry.string or entry.string == vi:
                missing.append(vi)
    assert missing == [], f"add them to a LABEL_MSGIDS tuple in the feature's forms.py: {missing}"


def test_committed_mo_matches_a_fresh_compile(tmp_path):
    catalog = _catalog()
    fresh_path = tmp_path / "messages.mo"
    with fresh_path.open("wb") as fh:
        write_mo(fh, catalog, use_fuzzy=False)

    def parsed(path: Path) -> dict:
        with path.open("rb") as fh:
            return {(m.context, m.id): m.string for m in read_mo(fh) if m.id}

    fresh, committed = parsed(fresh_path), parsed(MO)
    assert fresh, "the catalog compiles to something"
    stale = sorted(str(key[1]) for key in fresh.keys() | committed.keys() if fresh.get(key) != committed.get(key))
    assert stale == [], f"{MO.name} is stale: run `make i18n` and commit it (differs at {stale[:10]})"


# --- the English interface ------------------------------------------------------------------

def _h1(page: str) -> str:
    m = re.search(r"(?s)<h1[^>]*>(.*?)</h1>", page)
    assert m, "the page has an <h1>"
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", m.group(1)))).strip()


def test_main_pages_speak_english(client, login, session, congress, roll):
    from election_app.agenda.services import create_agenda_from_template
    from election_app.delegates.services import check_in
    from election_app.elections.services import create_election, open_round

    for d in roll[:7]:
        check_in(session, delegate=d, user_id=None)
    election, _ = create_election(session, congress=congress, title="Bầu Ban Chấp hành", body="executive_committee",
                                  seats=2, candidates=[{"delegate_id": d.id} for d in roll[:4]])
    create_agenda_from_template(session, congress=congress)
    session.commit()
    open_round(session, election=election)
    session.commit()

    login("admin")
    token = csrf_from(client.get("/congresses").get_data(as_text=True))
    assert client.post("/lang/en", data={"csrf_token": token}).status_code == 302
    cid = congress.id
    data = [congress.name, election.title]  # the user's own words stay as typed
    pages = {
        "congress dashboard": f"/congresses/{cid}",
        "elections list": f"/congresses/{cid}/elections",
        "election": f"/congresses/{cid}/elections/{election.id}",
        "motions": f"/congresses/{cid}/motions",
        "voting overview": f"/congresses/{cid}/voting",
        "agenda": f"/congresses/{cid}/agenda",
        "run-sheet": f"/congresses/{cid}/run",
        "documents": f"/congresses/{cid}/documents",
    }
    headings = {}
    for name, url in pages.items():
        resp = client.get(url)
        assert resp.status_code == 200, (name, resp.status_code)
        page = resp.get_data(as_text=True)
        assert '<html lang="en">' in page, name
        h1 = _h1(page)
        for value in data:
            h1 = h1.replace(value, "")
        headings[name] = h1
        assert not VIETNAMESE.search(h1), f"{name}: Vietnamese left in the <h1>: {h1!r}"
    assert headings["elections list"] == "Elections (secret ballot)"
    assert headings["motions"] == "Show of hands"
    assert headings["run-sheet"] == "Run the congress"
    assert headings["documents"] == "Printed documents (PDF)"

    # and back: Vietnamese is still the default language of the same pages
    client.post("/lang/vi", data={"csrf_token": token})
    assert _h1(client.get(pages["motions"]).get_data(as_text=True)) == "Biểu quyết giơ tay"
