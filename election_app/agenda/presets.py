"""The standard programme of a CĐCS congress (RULES §7, RESEARCH §2.1) as data.

Owns the template rows: section, title, who presents, planned length, and what the item
decides (a standard show-of-hands motion by its code, or an election by its body). Which
rows apply depends on the congress: the credentials committee and its report only at a
delegates' congress (an all-members congress hears the report on the number and
eligibility of members instead), and the chair's election only when the congress elects
the chair directly (HD 28/2021)."""
from __future__ import annotations

import re
from dataclasses import dataclass

SECTION_LABELS = {
    "A": "Phần nghi thức",
    "B": "Phần nội dung",
    "C": "Phần bầu cử",
    "D": "Phần bế mạc",
}

KIND_LABELS = {
    "ceremony": "Nghi thức",
    "report": "Báo cáo",
    "motion": "Biểu quyết",
    "election": "Bầu cử (bỏ phiếu kín)",
    "discussion": "Thảo luận",
    "appointment": "Công bố quyết định chỉ định",
    "comments": "Góp ý dự thảo văn kiện",
    "other": "Khác",
}

STATUS_LABELS = {"pending": "Chưa diễn ra", "current": "Đang diễn ra", "done": "Đã xong"}


@dataclass(frozen=True)
class TemplateItem:
    section: str
    code: str
    title: str
    kind: str
    presenter: str
    duration_min: int
    only_kind: str | None = None          # "delegates" | "all_members"
    only_chair_mode: str | None = None    # "direct"
    motion: str | None = None             # standard motion code (Motion.kind)
    election_body: str | None = None      # Election.body

    def applies_to(self, *, kind: str, chair_mode: str) -> bool:
        if self.only_kind and self.only_kind != kind:
            return False
        if self.only_chair_mode and self.only_chair_mode != chair_mode:
            return False
        return True


# Titles may use {term} (this congress's term) and {previous_term}.
STANDARD_AGENDA: tuple[TemplateItem, ...] = (
    # A. Phần nghi thức
    TemplateItem("A", "flag", "Chào cờ (Quốc ca, Công đoàn ca)", "ceremony", "Ban tổ chức", 5),
    TemplateItem("A", "introduction", "Tuyên bố lý do, giới thiệu đại biểu", "ceremony", "Ban tổ chức", 10),
    TemplateItem("A", "presidium", "Bầu Đoàn Chủ tịch đại hội", "motion", "Ban tổ chức", 5,
                 motion="presidium"),
    TemplateItem("A", "secretariat", "Bầu Đoàn Thư ký đại hội", "motion", "Đoàn Chủ tịch", 5,
                 motion="secretariat"),
    TemplateItem("A", "credentials_committee", "Bầu Ban Thẩm tra tư cách đại biểu", "motion",
                 "Đoàn Chủ tịch", 5, only_kind="delegates", motion="credentials_committee"),
    # B. Phần nội dung
    TemplateItem("B", "opening_speech", "Diễn văn khai mạc đại hội", "ceremony", "Đoàn Chủ tịch", 10),
    TemplateItem("B", "programme", "Thông qua chương trình và quy chế làm việc của đại hội", "motion",
                 "Đoàn Chủ tịch", 5, motion="programme"),
    TemplateItem("B", "credentials_report", "Báo cáo thẩm tra tư cách đại biểu; biểu quyết công nhận tư cách đại biểu",
                 "motion", "Ban Thẩm tra tư cách đại biểu", 10, only_kind="delegates", motion="credentials"),
    TemplateItem("B", "credentials_report", "Báo cáo số lượng và tư cách đoàn viên dự đại hội; biểu quyết thông qua",
                 "motion", "Ban tổ chức", 10, only_kind="all_members", motion="credentials"),
    TemplateItem("B", "term_report",
                 "Báo cáo tổng kết hoạt động công đoàn nhiệm kỳ {previous_term} và phương hướng, "
                 "mục tiêu, nhiệm vụ nhiệm kỳ {term}", "report", "Chủ tịch Công đoàn", 30),
    TemplateItem("B", "bch_review", "Báo cáo kiểm điểm của Ban Chấp hành nhiệm kỳ {previous_term}", "report",
                 "Đoàn Chủ tịch", 15),
    TemplateItem("B", "upper_documents", "Góp ý dự thảo văn kiện đại hội công đoàn cấp trên", "discussion",
                 "Đoàn Chủ tịch", 10),
    TemplateItem("B", "discussion", "Thảo luận, tham luận", "discussion", "Đoàn Chủ tịch", 30),
    TemplateItem("B", "leaders_speech", "Phát biểu của lãnh đạo công đoàn cấp trên, cấp ủy, chuyên môn",
                 "ceremony", "Đoàn Chủ tịch", 15),
    # C. Phần bầu cử
    TemplateItem("C", "bch_seats", "Đề án nhân sự; biểu quyết số lượng Ban Chấp hành", "motion",
                 "Đoàn Chủ tịch", 10, motion="bch_seats"),
    TemplateItem("C", "candidate_list", "Ứng cử, đề cử, rút tên; biểu quyết danh sách bầu cử", "motion",
                 "Đoàn Chủ tịch", 15, motion="candidate_list"),
    TemplateItem("C", "election_board", "Bầu Ban bầu cử", "motion", "Đoàn Chủ tịch", 5,
                 motion="election_board"),
    TemplateItem("C", "voting_rules", "Thông qua thể lệ bầu cử", "motion", "Ban bầu cử", 5,
                 motion="voting_rules"),
    TemplateItem("C", "bch_vote", "Bỏ phiếu, kiểm phiếu bầu Ban Chấp hành", "election", "Ban bầu cử", 30,
                 election_body="executive_committee"),
    TemplateItem("C", "bch_result", "Công bố kết quả bầu cử; Ban Chấp hành mới ra mắt", "election", "Ban bầu cử", 10,
                 election_body="executive_committee"),
    TemplateItem("C", "chair_vote", "Bầu Chủ tịch {union}", "election", "Ban bầu cử", 20,
                 only_chair_mode="direct", election_body="chair"),
    TemplateItem("C", "upper_delegates", "Bầu đại biểu đi dự đại hội công đoàn cấp trên", "election",
                 "Ban bầu cử", 20, election_body="upper_delegates"),
    # D. Phần bế mạc
    TemplateItem("D", "resolution", "Thông qua nghị quyết đại hội", "motion", "Đoàn Thư ký", 10,
                 motion="resolution"),
    TemplateItem("D", "closing", "Bế mạc đại hội, chào cờ", "ceremony", "Đoàn Chủ tịch", 5),
)


def previous_term(term: str) -> str:
    """"2023–2028" -> "2018–2023" (a term is as long as the one before it)."""
    m = re.fullmatch(r"\s*(\d{4})\s*[–-]\s*(\d{4})\s*", term or "")
    if not m:
        return "vừa qua"
    start, end = int(m.group(1)), int(m.group(2))
    return f"{start - (end - start)}–{start}"


def template_items(*, kind: str, chair_mode: str, term: str, level: str = "cdcs") -> list[dict]:
    """The rows that apply to one congress, titles filled in, without times. ``level``
    (congress.models.LEVEL_LABELS) names the union in the titles."""
    names = {"term": term or "mới", "previous_term": previous_term(term),
             "union": "Công đoàn cơ sở" if level == "cdcs" else "công đoàn"}
    out = []
    for row in STANDARD_AGENDA:
        if not row.applies_to(kind=kind, chair_mode=chair_mode):
            continue
        out.append({"section": row.section, "code": row.code, "title": row.title.format(**names),
                    "kind": row.kind, "presenter": row.presenter, "duration_min": row.duration_min,
                    "motion": row.motion, "election_body": row.election_body})
    return out


def add_minutes(hhmm: str, minutes: int) -> str:
    h, m = (int(x) for x in hhmm.split(":"))
    total = (h * 60 + m + minutes) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}"
