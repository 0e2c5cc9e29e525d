"""Forms of the election pages. Most actions are one button: ``ActionForm`` only carries
the CSRF token and the view reads the few fields itself, passing them to a service that
validates them (one set of rules for pages and API)."""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..errors import ValidationFailed
from ..rules import normalize_text
from .models import BODY_LABELS
from ..formkit import options

# Labels shown from models, services and rules are translated where shown (``_(label)``);
# they are listed here for `make i18n`, and the i18n test checks every one has English.
LABEL_MSGIDS = (
    # models.BODY_LABELS, models.NOMINATION_LABELS
    _l("Ban Chấp hành"), _l("Ủy ban Kiểm tra"), _l("Chủ tịch Công đoàn"),
    _l("Đại biểu đi dự Đại hội Công đoàn cấp trên"), _l("Đại biểu dự khuyết đi dự Đại hội Công đoàn cấp trên"),
    _l("Khác"), _l("Ứng cử"), _l("Đề cử"),
    # rules.INVALID_REASONS["other"] (the board's own words, issue 13 §10)
    _l("Phiếu có lỗi khác do Ban bầu cử ghi"),
    # services.OUTCOME_LABELS, STATUS_LABELS, METHOD_LABELS
    _l("Đang bỏ phiếu / kiểm phiếu"), _l("Đã bầu đủ số lượng"),
    _l("Có người bằng phiếu ở vị trí cuối: cần bầu lần tiếp theo"), _l("Chưa bầu đủ số lượng"),
    _l("Chưa mở"), _l("Đã kết thúc"), _l("Phiếu giấy"), _l("Bỏ phiếu điện tử"), _l("Phiếu QR ẩn danh"),
    # rules.INVALID_REASONS (DEFECT_REASONS are a subset)
    _l("Phiếu bầu thừa số lượng đại hội đã biểu quyết"), _l("Phiếu gạch hết tên trong danh sách"),
    _l("Phiếu không do Ban bầu cử phát ra"), _l("Phiếu không có dấu của Ban Chấp hành theo quy định"),
    _l("Phiếu ghi thêm tên người ngoài danh sách"), _l("Phiếu có dấu hiệu riêng / đánh dấu riêng"),
    _l("Phiếu gạch không rõ ràng, không xác định được người bị gạch"),
    # models.BALLOT_TYPE_LABELS
    _l("Phiếu gạch tên"), _l("Phiếu đồng ý / không đồng ý"),
    # candidate_import.PROBLEM_LABELS (the mapping step's error table)
    _l("Danh sách bầu cử"), _l("Số lượng bầu"), _l("Tên cuộc bầu cử"), _l("Đại biểu"),
)

NOMINATION_WORDS = {"ứng cử": "self", "ung cu": "self", "uc": "self", "self": "self",
                    "đề cử": "nominated", "de cu": "nominated", "dc": "nominated", "nominated": "nominated"}


class ActionForm(FlaskForm):
    """A button or a small form whose fields the view reads: only the CSRF token."""


class ElectionForm(FlaskForm):
    title = StringField(_l("Tên cuộc bầu cử"), validators=[DataRequired(_l("Nhập tên cuộc bầu cử.")), Length(max=300)],
                        description=_l("Ví dụ: Bầu Ban Chấp hành Công đoàn cơ sở nhiệm kỳ 2023–2028"))
    body = SelectField(_l("Cơ quan bầu"), choices=options([(k, _l(v)) for k, v in BODY_LABELS.items()]))
    seats = IntegerField(_l("Số lượng bầu"), validators=[DataRequired(_l("Nhập số lượng bầu (ít nhất 1).")),
                                                         NumberRange(1, 500, _l("Số lượng bầu phải từ 1 trở lên."))])
    entry_teams = SelectField(_l("Số tổ nhập phiếu độc lập"), coerce=int, default=1,
                              choices=options([(1, _l("1 tổ")), (2, _l("2 tổ (nhập hai lần, đối chiếu)")),
                                       (3, _l("3 tổ (nhập ba lần, đối chiếu)"))]))
    ballot_type = SelectField(_l("Loại phiếu bầu"), default="strike",
                              choices=options([("strike", _l("Phiếu gạch tên (gạch tên người không bầu)")),
                                       ("yes_no", _l("Phiếu đồng ý / không đồng ý (danh sách không có số dư, "
                                                     "bỏ phiếu tín nhiệm)"))]),
                              description=_l("Phiếu đồng ý / không đồng ý chỉ dùng khi số người trong danh sách "
                                             "bằng số lượng bầu (ví dụ bầu Chủ tịch một người)."))
    outside = TextAreaField(
        _l("Người ngoài danh sách đại biểu (mỗi dòng một người)"), validators=[Optional(), Length(max=20000)],
        description=_l("Họ và tên; năm sinh; chức vụ; đơn vị; ứng cử hoặc đề cử — các phần sau có thể bỏ trống."))
    candidates_file = FileField(
        _l("Hoặc danh sách ứng cử, đề cử từ tệp (.xlsx, .xls, .ods, .csv)"),
        validators=[Optional(), FileAllowed(["xlsx", "xls", "ods", "csv"], _l("Chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv."))],
        description=_l("Danh sách sẵn có (Họ và tên, Năm sinh, Chức vụ, Đơn vị, Ứng cử/Đề cử): người có trong "
                       "danh sách đại biểu được nhận ra theo họ tên và năm sinh."))


class EditElectionForm(FlaskForm):
    title = StringField(_l("Tên cuộc bầu cử"), validators=[DataRequired(_l("Nhập tên cuộc bầu cử.")), Length(max=300)])
    seats = IntegerField(_l("Số lượng bầu"), validators=[DataRequired(_l("Nhập số lượng bầu (ít nhất 1)."))])
    entry_teams = SelectField(_l("Số tổ nhập phiếu độc lập"), coerce=int,
                              choices=options([(1, _l("1 tổ")), (2, _l("2 tổ")), (3, _l("3 tổ"))]))
    ballot_type = SelectField(_l("Loại phiếu bầu"),
                              choices=options([("strike", _l("Phiếu gạch tên (gạch tên người không bầu)")),
                                       ("yes_no", _l("Phiếu đồng ý / không đồng ý (danh sách không có số dư, "
                                                     "bỏ phiếu tín nhiệm)"))]))


class CandidateForm(FlaskForm):
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(_l("Nhập họ và tên.")), Length(max=300)])
    birth_year = IntegerField(_l("Năm sinh"), validators=[Optional(), NumberRange(1900, 2015, _l("Năm sinh không hợp lý."))])
    position = StringField(_l("Chức vụ"), validators=[Length(max=300)])
    unit = StringField(_l("Đơn vị"), validators=[Length(max=300)])
    nomination = SelectField(_l("Hình thức"), choices=options([("nominated", _l("Đề cử")), ("self", _l("Ứng cử"))]))


def parse_outside_lines(text: str) -> list[dict]:
    """The textarea of outside candidates: "Họ và tên; năm sinh; chức vụ; đơn vị; ứng cử"."""
    rows: list[dict] = []
    problems: list[dict] = []
    for line_no, line in enumerate((text or "").splitlines(), start=1):
        parts = [normalize_text(p) for p in line.split(";")]
        if not parts or not parts[0]:
            continue
        row: dict = {"full_name": parts[0]}
        if len(parts) > 1 and parts[1]:
            if parts[1].isdigit():
                row["birth_year"] = int(parts[1])
            else:
                problems.append({"row": line_no, "field": "birth_year",
                                 "message": _("Dòng %(n)s: năm sinh «%(value)s» không phải số.", n=line_no, value=parts[1])})
        if len(parts) > 2:
            row["position"] = parts[2]
        if len(parts) > 3:
            row["unit"] = parts[3]
        if len(parts) > 4 and parts[4]:
            word = NOMINATION_WORDS.get(parts[4].casefold())
            if word is None:
                problems.append({"row": line_no, "field": "nomination",
                                 "message": _("Dòng %(n)s: ghi «ứng cử» hoặc «đề cử», không phải «%(value)s».",
                                                   n=line_no, value=parts[4])})
            row["nomination"] = word or "nominated"
        rows.append(row)
    if problems:
        raise ValidationFailed(problems[0]["message"], problems)
    return rows
