"""The standard CĐCS programme (RULES §7) as data: which rows apply to which congress."""
from __future__ import annotations

import pytest

from election_app.agenda.presets import (STANDARD_AGENDA, add_minutes, previous_term,
                                         template_items)
from election_app.agenda.services import clean_notes

CREDENTIALS_COMMITTEE = "Bầu Ban Thẩm tra tư cách đại biểu"
CREDENTIALS_REPORT = "Báo cáo thẩm tra tư cách đại biểu; biểu quyết công nhận tư cách đại biểu"
MEMBERS_REPORT = "Báo cáo số lượng và tư cách đoàn viên dự đại hội; biểu quyết thông qua"
CHAIR = "Bầu Chủ tịch Công đoàn cơ sở"


@pytest.mark.parametrize("kind, chair_mode, present, absent", [
    ("delegates", "by_bch", [CREDENTIALS_COMMITTEE, CREDENTIALS_REPORT], [MEMBERS_REPORT, CHAIR]),
    ("delegates", "direct", [CREDENTIALS_COMMITTEE, CREDENTIALS_REPORT, CHAIR], [MEMBERS_REPORT]),
    ("all_members", "by_bch", [MEMBERS_REPORT], [CREDENTIALS_COMMITTEE, CREDENTIALS_REPORT, CHAIR]),
    ("all_members", "direct", [MEMBERS_REPORT, CHAIR], [CREDENTIALS_COMMITTEE, CREDENTIALS_REPORT]),
])
def test_rows_depend_on_kind_and_chair_mode(kind, chair_mode, present, absent):
    titles = [r["title"] for r in template_items(kind=kind, chair_mode=chair_mode, term="2023–2028")]
    for t in present:
        assert t in titles
    for t in absent:
        assert t not in titles


def test_sections_in_order_and_every_section_present():
    rows = template_items(kind="delegates", chair_mode="direct", term="2023–2028")
    sections = [r["section"] for r in rows]
    assert sections == sorted(sections)
    assert set(sections) == {"A", "B", "C", "D"}
    assert rows[0]["title"].startswith("Chào cờ")
    assert rows[-1]["title"].startswith("Bế mạc")


def test_order_of_key_items_follows_rules_7():
    titles = [r["title"] for r in template_items(kind="delegates", chair_mode="direct", term="2023–2028")]

    def at(prefix):
        return next(i for i, t in enumerate(titles) if t.startswith(prefix))
    assert (at("Bầu Đoàn Chủ tịch") < at("Bầu Ban Thẩm tra") < at("Diễn văn khai mạc")
            < at("Thông qua chương trình") < at("Báo cáo thẩm tra") < at("Báo cáo tổng kết")
            < at("Đề án nhân sự") < at("Ứng cử, đề cử") < at("Bầu Ban bầu cử")
            < at("Bỏ phiếu, kiểm phiếu") < at("Công bố kết quả") < at("Bầu Chủ tịch")
            < at("Bầu đại biểu đi dự") < at("Thông qua nghị quyết") < at("Bế mạc"))


def test_every_motion_and_election_row_says_what_it_decides():
    for row in STANDARD_AGENDA:
        if row.kind == "motion":
            assert row.motion and not row.election_body, row.code
        elif row.kind == "election":
            assert row.election_body and not row.motion, row.code
        else:
            assert not row.motion and not row.election_body, row.code


def test_motion_codes_are_the_motions_services_codes():
    from election_app.motions.services import STANDARD_MOTIONS
    codes = {m.code for m in STANDARD_MOTIONS}
    assert {r.motion for r in STANDARD_AGENDA if r.motion} <= codes


def test_terms_fill_the_report_title():
    rows = template_items(kind="all_members", chair_mode="by_bch", term="2023–2028")
    report = next(r for r in rows if r["code"] == "term_report")
    assert "nhiệm kỳ 2018–2023" in report["title"] and "nhiệm kỳ 2023–2028" in report["title"]


@pytest.mark.parametrize("term, expected", [
    ("2023–2028", "2018–2023"), ("2023-2028", "2018–2023"), ("2025 – 2030", "2020–2025"),
    ("2022–2027", "2017–2022"), ("khóa mới", "vừa qua"), ("", "vừa qua"),
])
def test_previous_term(term, expected):
    assert previous_term(term) == expected


@pytest.mark.parametrize("start, minutes, expected", [
    ("07:30", 5, "07:35"), ("07:55", 10, "08:05"), ("11:30", 90, "13:00"), ("23:50", 20, "00:10"),
])
def test_add_minutes(start, minutes, expected):
    assert add_minutes(start, minutes) == expected


@pytest.mark.parametrize("raw, expected", [
    ("Đồng chí Hà phát biểu.\r\nĐại hội nhất trí.  ", "Đồng chí Hà phát biểu.\nĐại hội nhất trí."),
    ("Ý kiến\x00 khác\x07", "Ý kiến khác"),
    ("Hoa\u0300", "Hoà"),            # NFC
    ("\n\nmở đầu\n\n", "mở đầu"),
    ("a\tb", "a\tb"),
])
def test_notes_are_clean_plain_text(raw, expected):
    assert clean_notes(raw) == expected
