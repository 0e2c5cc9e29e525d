from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from ..formkit import options

# services.FIELD_LABELS name the columns of import problems (``_(label)``); all but this one are
# form labels below. Listed for `make i18n`; the i18n test checks every one has English.
LABEL_MSGIDS = (_l("Tệp"), _l("Số CCCD"))
# The import mapping step shows election_app.imports FIELD_LABELS and legacy.LABELS through _().
IMPORT_LABEL_MSGIDS = (
    _l("— Bỏ qua cột này —"),
    _l("Giữ lại nguyên văn (cột riêng)"),
    _l("Số thứ tự (TT)"),
    _l("Họ và tên"),
    _l("Họ"),
    _l("Tên đệm"),
    _l("Tên"),
    _l("Giới tính"),
    _l("Nam (đánh dấu x)"),
    _l("Nữ (đánh dấu x)"),
    _l("Ngày tháng năm sinh / Năm sinh"),
    _l("Năm sinh — cột Nam"),
    _l("Năm sinh — cột Nữ"),
    _l("Chức vụ"),
    _l("Đơn vị"),
    _l("Chức vụ, đơn vị công tác (một cột)"),
    _l("Loại đại biểu"),
    _l("Đảng viên"),
    _l("Dân tộc"),
    _l("Trình độ học vấn"),
    _l("Chuyên môn nghiệp vụ"),
    _l("Lý luận chính trị"),
    _l("Ứng cử / đề cử"),
    _l("Ứng cử (đánh dấu x)"),
    _l("Đề cử (đánh dấu x)"),
    _l("Họ và tên đệm (cột trước cột Tên)"),
    _l("Số CCCD (chỉ lưu dạng mã hoá)"),
    _l("Unicode (giữ nguyên)"),
    _l("TCVN3 (ABC, phông .VnTime)"),
    _l("VNI (phông VNI-Times)"),
)


class DelegateForm(FlaskForm):
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(_l("Nhập họ và tên.")), Length(max=300)])
    ho = StringField(_l("Họ"), validators=[Length(max=80)])
    ten_dem = StringField(_l("Tên đệm"), validators=[Length(max=120)])
    ten = StringField(_l("Tên"), validators=[Length(max=80)],
                      description=_l("Hệ thống tự tách họ tên; chỉ sửa khi tách sai (ví dụ họ kép «Tôn Thất»)."))
    gender = SelectField(_l("Giới tính"), choices=options([("", "—"), ("nam", _l("Nam")), ("nữ", _l("Nữ"))]))
    birth_year = IntegerField(_l("Năm sinh"), validators=[Optional(), NumberRange(1900, 2015, _l("Năm sinh không hợp lý."))])
    position = StringField(_l("Chức vụ"), validators=[Length(max=300)])
    unit = StringField(_l("Đơn vị"), validators=[Length(max=300)])
    category = SelectField(_l("Loại đại biểu"), choices=options([
        ("official", _l("Đại biểu chính thức")), ("ex_officio", _l("Đại biểu đương nhiên")),
        ("appointed", _l("Đại biểu chỉ định")), ("alternate", _l("Đại biểu dự khuyết")), ("guest", _l("Khách mời"))]))
    is_party_member = BooleanField(_l("Đảng viên"))
    ethnicity = StringField(_l("Dân tộc"), default="Kinh", validators=[Length(max=50)])
    nationality = StringField(_l("Quốc tịch"), default="Việt Nam", validators=[Length(max=100)])
    education = StringField(_l("Trình độ học vấn"), validators=[Length(max=100)])
    qualification = StringField(_l("Chuyên môn nghiệp vụ"), validators=[Length(max=200)])
    political_theory = StringField(_l("Lý luận chính trị"), validators=[Length(max=100)])
    # Citizen ID card number: only its keyed hash is stored (delegates/idcard.py); never shown again.
    id_number = StringField(_l("Số CCCD (căn cước công dân)"), validators=[Length(max=40)],
                            description=_l("Để điểm danh bằng mã QR trên CCCD. Chỉ lưu dạng mã hoá một chiều; "
                                           "số không được lưu và không hiện lại. Để trống: giữ như cũ."))
    id_number_clear = BooleanField(_l("Xoá số CCCD đã lưu"))

    def data_dict(self) -> dict:
        data = {k: getattr(self, k).data for k in (
            "full_name", "ho", "ten_dem", "ten", "gender", "birth_year", "position", "unit", "category",
            "is_party_member", "ethnicity", "nationality", "education", "qualification", "political_theory")}
        if (self.id_number.data or "").strip():
            data["id_number"] = self.id_number.data
        if self.id_number_clear.data:
            data["id_number_clear"] = True
        return data


class ImportForm(FlaskForm):
    file = FileField(_l("Tệp danh sách (.xlsx, .xls, .ods hoặc .csv)"), validators=[
        FileRequired(_l("Chọn tệp để nhập.")),
        FileAllowed(["xlsx", "xls", "ods", "csv"], _l("Chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv."))])


class MappingForm(FlaskForm):
    """The mapping step: only its CSRF token; the column choices are read by number."""


class CredentialForm(FlaskForm):
    status = SelectField(_l("Kết quả"), choices=options([("accepted", _l("Đủ tư cách")), ("rejected", _l("Không đủ tư cách")),
                                             ("pending", _l("Chưa thẩm tra"))]))
    reason = TextAreaField(_l("Lý do (bắt buộc khi không công nhận)"), validators=[Length(max=1000)])


class PromoteForm(FlaskForm):
    alternate_id = SelectField(_l("Đại biểu dự khuyết"), coerce=int)
    replaces_id = SelectField(_l("Thay cho đại biểu"), coerce=int)
    reason = StringField(_l("Lý do"), validators=[DataRequired(_l("Nhập lý do thay thế.")), Length(max=500)])


class CheckInForm(FlaskForm):
    code = StringField(_l("Số thẻ hoặc mã QR"), validators=[DataRequired(_l("Nhập số thẻ."))])
