"""Nationality on the roll (Luật Công đoàn 2024: members who are not Vietnamese citizens):
a field defaulting to "Việt Nam", importable, on the API, shown on the papers where it
matters, and the rulebook's ``posts_citizens_only`` for who may stand for a post."""
from __future__ import annotations

import io
import subprocess

import pytest
from openpyxl import Workbook

from election_app.delegates.importer import read_roll
from election_app.delegates.services import add_delegates, decide_credentials, delegate_json, is_citizen
from election_app.documents import jobs
from election_app.elections import services as el
from election_app.errors import ValidationFailed
from election_app.rules import presets
from election_app.rules.presets import DIEU_LE_2020
from tests.conftest import TEST_SECRET


def _xlsx(rows) -> bytes:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_citizen_spellings():
    assert all(is_citizen(x) for x in ("Việt Nam", "viet nam", "VN", "Vietnam", "", None))
    assert not any(is_citizen(x) for x in ("Hàn Quốc", "Lào", "Nhật Bản"))


def test_default_and_import(session, congress):
    _, rows = read_roll("ds.xlsx", _xlsx([["Họ và tên", "Năm sinh", "Quốc tịch"],
                                          ["Nguyễn Văn An", 1980, ""], ["Kim Min Jun", 1990, "Hàn Quốc"]]))
    made = add_delegates(session, congress=congress, rows=rows)
    session.commit()
    assert [d.nationality for d in made] == ["Việt Nam", "Hàn Quốc"]
    assert delegate_json(made[1])["nationality"] == "Hàn Quốc"


def test_api_takes_and_gives_it(api, congress):
    client = api("admin")
    resp = client.post(f"/api/v1/congresses/{congress.id}/delegates",
                       json={"delegates": [{"full_name": "Souk Phommavong", "nationality": "Lào"}]})
    assert resp.status_code == 201, resp.get_json()
    listed = client.get(f"/api/v1/congresses/{congress.id}/delegates").get_json()
    people = listed["delegates"] if isinstance(listed, dict) else listed
    assert [d["nationality"] for d in people] == ["Lào"]


def _pdf(session, congress, kind):
    cleaned = jobs.clean_params(kind, {"base_url": "http://192.168.1.10:5000"})
    pdf = jobs.produce(session, congress=congress, kind=kind, params=cleaned, secret=TEST_SECRET).pdf
    return " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, check=True,
                                   capture_output=True).stdout.decode("utf-8").split())


def test_papers_show_it_only_where_it_matters(session, congress, roll):
    assert "Quốc tịch" not in _pdf(session, congress, "delegate-list")
    assert "quốc tịch" not in _pdf(session, congress, "credentials-report")
    (guest,) = add_delegates(session, congress=congress, rows=[{"full_name": "Kim Min Jun", "nationality": "Hàn Quốc"}])
    decide_credentials(session, delegate=guest, status="accepted")
    session.commit()
    assert "(Quốc tịch: Hàn Quốc)" in _pdf(session, congress, "delegate-list")
    assert "Không mang quốc tịch Việt Nam: 1 đồng chí" in _pdf(session, congress, "credentials-report")


def test_posts_citizens_only_is_the_rulebook_s(monkeypatch, session, congress, roll):
    (kim,) = add_delegates(session, congress=congress, rows=[{"full_name": "Kim Min Jun", "nationality": "Hàn Quốc"}])
    session.commit()
    # The default rulebook lets anyone on the roll stand (the source is weak: RESEARCH §9).
    e, _ = el.create_election(session, congress=congress, title="Bầu BCH", body="executive_committee", seats=1,
                              candidates=[{"delegate_id": kim.id}, {"delegate_id": roll[0].id}])
    strict = presets.RulePreset(**{**DIEU_LE_2020.__dict__, "code": "thu_cong_dan", "posts_citizens_only": True})
    monkeypatch.setitem(presets.PRESETS, strict.code, strict)
    congress.preset_code = strict.code
    session.commit()
    with pytest.raises(ValidationFailed) as err:
        el.create_election(session, congress=congress, title="Bầu UBKT", body="inspection_committee", seats=1,
                           candidates=[{"delegate_id": kim.id}, {"delegate_id": roll[0].id}])
    assert [d["message"] for d in err.value.details] == [
        "Kim Min Jun có quốc tịch Hàn Quốc: bộ quy tắc của đại hội chỉ cho công dân Việt Nam ứng cử, đề cử vào chức danh."]
    # upper delegates are not a post
    el.create_election(session, congress=congress, title="Bầu đại biểu", body="upper_delegates", seats=1,
                       candidates=[{"delegate_id": kim.id}, {"delegate_id": roll[0].id}])
