"""Rulebooks are data (issue 16): files with a code, a version and their sources, read on a
page; every number and wording of the law comes from the congress's rulebook, into counting,
pages and papers; no template, service or script writes one itself."""
from __future__ import annotations

import pathlib
import re
import subprocess

import pytest
import sqlalchemy as sa

from election_app.congress.models import Congress
from election_app.congress.services import create_congress
from election_app.delegates.services import add_delegates, check_in, decide_credentials
from election_app.documents import jobs
from election_app.elections import services as el
from election_app.errors import Conflict
from election_app.rules import DEFAULT_PRESET, PRESETS, presets
from election_app.rules.presets import RulePreset
from tests.conftest import TEST_SECRET, csrf_from

ROOT = pathlib.Path(__file__).resolve().parents[2]
RESEARCH = pathlib.Path("/work/shared/domain/RESEARCH.md")

# Rule literals: fractions of the law, their words, a quorum mark's percent, the charter and law.
FRACTION = re.compile(r"(?<![\d/.\w])[1-9]/[1-9](?![\d/])")
WORDS = re.compile(r"hai phần ba|một phần hai|ba phần tư|một nửa|quá nửa|Điều lệ Công đoàn|Điều lệ Đoàn"
                   r"|Luật Công đoàn|66[.,]67 ?%|33[.,]33 ?%|\b50 ?%", re.IGNORECASE)
CSS_VALUE = re.compile(r"[a-z-]+:\s*$")      # "width: 50%" is layout, not the law


def _sources():
    yield from (ROOT / "templates").rglob("*.html")
    yield from (p for p in (ROOT / "election_app").rglob("*.py") if "rules" not in p.relative_to(ROOT).parts[:2])
    yield from (p for p in (ROOT / "static" / "js").glob("*.js") if p.name != "jsQR.js")


def test_no_rule_literal_outside_the_rulebook_files():
    offenders = []
    for path in _sources():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in [*FRACTION.finditer(line), *WORDS.finditer(line)]:
                if m.group().startswith("50") and CSS_VALUE.search(line[:m.start()]):
                    continue
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {m.group()}")
    assert offenders == []


def test_the_literal_test_catches_what_it_must(tmp_path):
    for bad in ("quá 1/2 số phiếu", "đủ 2/3", "Căn cứ Điều lệ Công đoàn Việt Nam", "left: 66.67%",
                "Luật Công đoàn năm 2024", "quá nửa"):
        assert FRACTION.search(bad) or WORDS.search(bad), bad
    for fine in ("01/7/2025", "Số: 01/BB-ĐH", "{{ n }}/{{ m }}", "width: 50%"):
        m = FRACTION.search(fine) or WORDS.search(fine)
        assert m is None or CSS_VALUE.search(fine[:m.start()]), fine


def test_three_rulebook_files_versioned_with_sources_in_research():
    files = sorted(p.stem for p in (ROOT / "election_app" / "rules" / "rulebooks").glob("*.toml"))
    assert files == sorted(PRESETS) and len(PRESETS) >= 3
    assert DEFAULT_PRESET.code == "dieu_le_2020"
    research = RESEARCH.read_text(encoding="utf-8") if RESEARCH.exists() else None
    for p in PRESETS.values():
        assert p.version >= 1 and p.sources and p.charter and p.basis_lines, p.code
        assert all("RESEARCH.md" in s for s in p.sources), p.code
        if research is not None:
            urls = [u for s in p.sources for u in re.findall(r"https?://\S+", s)]
            assert all(u in research for u in urls), p.code
    assert PRESETS["doan_tncs"].max_rounds == 2 and PRESETS["doan_tncs"].further_round_by_vote
    assert "Luật Công đoàn" not in " ".join(PRESETS["doan_tncs"].basis(None))
    xiii = PRESETS["dieu_le_khoa_xiii"]
    assert (xiii.quorum_num, xiii.quorum_den, xiii.elect_num, xiii.elect_den) == (2, 3, 1, 2)
    assert "chưa đọc được" in xiii.note       # the page says the numbers are the 2020 ones


def test_the_page_lists_every_rulebook_read_only(client, login):
    login("organizer")
    html = client.get("/rulebooks").get_data(as_text=True)
    for p in PRESETS.values():
        assert p.title in html and f"rulebook-{p.code}" in html
        assert p.note in html or not p.note
        assert p.sources[0] in html
    assert "Số lần bầu tối đa" in html and "<form" not in html.split("<main", 1)[-1]
    assert client.post("/rulebooks").status_code == 405


def test_a_congress_chooses_its_rulebook_at_creation(client, login, api, session):
    login("organizer")
    page = client.get("/congresses/new").get_data(as_text=True)
    assert all(f'value="{code}"' in page for code in PRESETS)
    resp = client.post("/congresses/new", data={
        "csrf_token": csrf_from(page), "name": "Đại hội Đoàn trường", "organization": "Đoàn trường",
        "term": "2025–2030", "kind": "all_members", "preset_code": "doan_tncs", "chair_mode": "by_bch"})
    assert resp.status_code == 302
    assert session.scalars(sa.select(Congress).where(Congress.name == "Đại hội Đoàn trường")).one().preset_code == "doan_tncs"
    made = api("admin").post("/api/v1/congresses", json={
        "name": "Đại hội CĐCS", "organization": "CĐCS", "term": "2025–2030", "kind": "delegates",
        "preset_code": "dieu_le_khoa_xiii"})
    assert made.status_code == 201 and made.get_json()["preset_code"] == "dieu_le_khoa_xiii"
    old = api("admin").post("/api/v1/congresses", json={"name": "Đại hội cũ", "organization": "CĐCS",
                                                       "term": "2023–2028", "kind": "delegates"})
    assert old.get_json()["preset_code"] == "dieu_le_2020"
    bad = api("admin").post("/api/v1/congresses", json={"name": "X", "organization": "Y", "term": "2025–2030",
                                                       "kind": "delegates", "preset_code": "khong_co"})
    assert bad.status_code == 422


# --- counting under a rulebook that measures votes against the valid ballots --------------

@pytest.fixture
def valid_base(monkeypatch, session):
    other = RulePreset(code="thu_hop_le", title="Bộ quy tắc thử: quá 3/5 số phiếu hợp lệ", charter="Điều lệ Thử",
                       basis_lines=("Căn cứ {charter};",), quorum_num=3, quorum_den=5, elect_num=3, elect_den=5,
                       elect_base="valid", max_rounds=2, sources=("RESEARCH.md: thử",))
    monkeypatch.setitem(presets.PRESETS, other.code, other)
    c = create_congress(session, data={"name": "Đại hội thử", "organization": "Công đoàn thử", "term": "2025–2030",
                                       "kind": "delegates", "date": "2026-12-12", "preset_code": other.code})
    people = add_delegates(session, congress=c, rows=[{"full_name": f"Nguyễn Văn {n}"} for n in
                                                      ("An", "Bình", "Cường", "Dũng", "Em", "Giang", "Hà", "Khánh", "Lâm", "Minh")])
    for d in people:
        decide_credentials(session, delegate=d, status="accepted")
        check_in(session, delegate=d)
    session.commit()
    return c, people


def _pdf_text(session, congress, kind, **params):
    cleaned = jobs.clean_params(kind, {"base_url": "http://192.168.1.10:5000", **params})
    pdf = jobs.produce(session, congress=congress, kind=kind, params=cleaned, secret=TEST_SECRET).pdf
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, check=True, capture_output=True)
    return " ".join(out.stdout.decode("utf-8").split())


def test_a_round_counts_on_valid_ballots_end_to_end(session, valid_base):
    congress, people = valid_base
    e, _ = el.create_election(session, congress=congress, title="Bầu Ban Chấp hành", body="executive_committee",
                              seats=2, candidates=[{"delegate_id": d.id} for d in people[:3]])
    r = el.open_round(session, election=e)
    ids = [c.id for _, c in el.round_candidates(session, r)]
    # 10 returned, 4 valid: a and b 3 votes each. Of valid: 5 × 3 > 3 × 4 → elected; of returned
    # (the default) nobody would pass.
    ballots = [{"kept": ids[:2]}] * 3 + [{"kept": [ids[2]]}] + [{"kept": ids}] * 3 + [{"kept": []}] * 3
    el.record_paper_ballots(session, election=e, ballots=ballots, issued=10)
    el.close_round(session, election=e)
    session.commit()
    assert (r.returned, r.valid, r.outcome) == (10, 4, "complete")
    assert set(el.elected_so_far(session, e)) == set(ids[:2])
    result = el.round_result(session, e)
    assert {c["id"]: c["percent"] for c in result["candidates"]}[ids[0]] == 75.0
    text = _pdf_text(session, congress, "count-minutes", election_id=e.id, round=1)
    assert "quá ba phần năm (3/5) so với tổng số phiếu hợp lệ" in text
    assert "Theo Điều lệ Thử" in text and "3/4" in text and "75,00%" in text
    assert "phiếu thu về (kể cả" not in text and "Điều lệ Công đoàn" not in text
    assert "Bộ quy tắc áp dụng: Bộ quy tắc thử: quá 3/5 số phiếu hợp lệ (mã thu_hop_le, phiên bản 1)" in text


def test_max_rounds_of_the_rulebook_is_kept(session, valid_base):
    congress, people = valid_base
    e, _ = el.create_election(session, congress=congress, title="Bầu Ban Chấp hành", body="executive_committee",
                              seats=2, candidates=[{"delegate_id": d.id} for d in people[:4]])
    for n in (1, 2):
        r = el.open_round(session, election=e)
        ids = [c.id for _, c in el.round_candidates(session, r)]
        el.record_paper_ballots(session, election=e, ballots=[{"kept": []}] * 6, issued=6)
        el.close_round(session, election=e)
        if n == 1:
            el.create_further_round(session, election=e, candidate_ids=ids, seats=2)
    with pytest.raises(Conflict, match="nhiều nhất 2 lần"):
        el.create_further_round(session, election=e, candidate_ids=ids, seats=2)


def test_the_whole_pack_follows_a_rulebook_with_other_numbers(session, valid_base):
    """3/5 quorum, 3/5 of valid ballots, at most two rounds, its own charter and no union
    law: every paper says that, carries the rulebook line, and never the default's words."""
    congress, people = valid_base
    e, _ = el.create_election(session, congress=congress, title="Bầu Ban Chấp hành", body="executive_committee",
                              seats=1, candidates=[{"delegate_id": d.id} for d in people[:2]])
    r = el.open_round(session, election=e)
    ids = [c.id for _, c in el.round_candidates(session, r)]
    el.record_paper_ballots(session, election=e, ballots=[{"kept": [ids[0]]}] * 4 + [{"kept": []}] * 2, issued=6)
    el.close_round(session, election=e)
    session.commit()
    line = "Bộ quy tắc áp dụng: Bộ quy tắc thử: quá 3/5 số phiếu hợp lệ (mã thu_hop_le, phiên bản 1)"
    texts = {kind: _pdf_text(session, congress, kind) for kind in
             ("delegate-list", "attendance-sheet", "credentials-report", "minutes", "resolution", "dossier")}
    texts["count-minutes"] = _pdf_text(session, congress, "count-minutes", election_id=e.id, round=1)
    for kind, text in texts.items():
        assert line in text, kind
        for default_word in ("hai phần ba", "một phần hai", "Điều lệ Công đoàn", "Luật Công đoàn",
                             "phiếu thu về (kể cả"):
            assert default_word not in text, (kind, default_word)
    assert "ba phần năm" in texts["credentials-report"] and "Điều lệ Thử" in texts["credentials-report"]
    assert "Căn cứ Điều lệ Thử;" in texts["resolution"] and "Căn cứ Điều lệ Thử;" in texts["dossier"]
    for kind in ("count-minutes", "minutes", "dossier"):     # n/base: 4 valid of 6 returned
        assert "4/4" in texts[kind] and "100,00%" in texts[kind] and "4/6" not in texts[kind], kind
    ballot = _pdf_text(session, congress, "ballot", election_id=e.id, round=1)
    assert "Bộ quy tắc áp dụng" not in ballot          # RULES §6: nothing else on a ballot
