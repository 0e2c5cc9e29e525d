"""The preset in force says the fractions pages and papers print: no template writes "2/3",
"hai phần ba", "một phần hai" or "một nửa" itself. A congress under a rulebook with other
numbers (quorum 3/5, election and motions 3/5) shows those numbers everywhere they are printed."""
from __future__ import annotations

import pathlib
import re
import subprocess

import pytest

from election_app.documents import jobs
from election_app.rules import presets
from election_app.rules.presets import DIEU_LE_2020, RulePreset
from tests.conftest import TEST_SECRET

TEMPLATES = pathlib.Path(__file__).resolve().parents[2] / "templates"
LITERALS = re.compile(r"\b\d+/\d+\b(?! ?[0-9])|hai phần ba|một phần hai|một nửa|quá nửa", re.IGNORECASE)


def test_no_template_writes_a_rule_fraction():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in LITERALS.finditer(line):
                # dates (dd/mm/yyyy) and document numbers are not fractions of the law
                if re.fullmatch(r"\d+/\d+", m.group()) and not re.fullmatch(r"[1-9]/[1-9]", m.group()):
                    continue
                offenders.append(f"{path.relative_to(TEMPLATES)}:{n}: {m.group()}")
    assert offenders == []


def test_fraction_words():
    assert DIEU_LE_2020.fraction("quorum") == "2/3" and DIEU_LE_2020.fraction_words("quorum") == "hai phần ba"
    assert DIEU_LE_2020.fraction_words("elect") == "một phần hai"
    assert presets._number_words(15) == "mười lăm" and presets._number_words(21) == "hai mươi mốt"


@pytest.fixture
def three_fifths(monkeypatch, session, congress):
    other = RulePreset(code="ba_phan_nam", title="Bộ quy tắc thử 3/5", quorum_num=3, quorum_den=5,
                       elect_num=3, elect_den=5, motion_num=3, motion_den=5)
    monkeypatch.setitem(presets.PRESETS, other.code, other)
    congress.preset_code = other.code
    session.commit()
    return other


def _pdf_text(session, congress, kind):
    cleaned = jobs.clean_params(kind, {"base_url": "http://192.168.1.10:5000"})
    pdf = jobs.produce(session, congress=congress, kind=kind, params=cleaned, secret=TEST_SECRET).pdf
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, check=True, capture_output=True)
    return " ".join(out.stdout.decode("utf-8").split())


def test_pages_and_papers_print_the_preset_in_force(client, login, session, congress, roll, three_fifths):
    login("organizer")
    for url in (f"/congresses/{congress.id}", f"/congresses/{congress.id}/attendance",
                f"/congresses/{congress.id}/checkin", f"/congresses/{congress.id}/run",
                f"/congresses/{congress.id}/motions"):
        html = client.get(url).get_data(as_text=True)
        assert "3/5" in html and "2/3" not in html, url
    assert "nhiều hơn 3/5 số đại biểu có mặt" in client.get(f"/congresses/{congress.id}/motions").get_data(as_text=True)
    assert client.get(f"/congresses/{congress.id}/attendance.json").get_json()["quorum_fraction"] == "3/5"
    report = _pdf_text(session, congress, "credentials-report")
    assert "ba phần năm" in report and "hai phần ba" not in report
