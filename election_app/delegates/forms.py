from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .models import CATEGORY_LABELS


class DelegateForm(FlaskForm):
    full_name = StringField("Họ và tên", validators=[DataRequired("Nhập họ và tên."), Length(max=300)])
    ho = StringField("Họ", validators=[Length(max=80)])
    ten_dem = StringField("Tên đệm", validators=[Length(max=120)])
    ten = StringField("Tên", validators=[Length(max=80)],
                      description="Hệ thống tự tách họ tên; chỉ sửa khi tách sai (ví dụ họ kép «Tôn Thất»).")
    gender = SelectField("Giới tính", choices=[("", "—"), ("nam", "Nam"), ("nữ", "Nữ")])
    birth_year = IntegerField("Năm sinh", validators=[Optional(), NumberRange(1900, 2015, "Năm sinh không hợp lý.")])
    position = StringField("Chức vụ", validators=[Length(max=300)])
    unit = StringField("Đơn vị", validators=[Length(max=300)])
    category = SelectField("Loại đại biểu", choices=list(CATEGORY_LABELS.items()))
    is_party_member = BooleanField("Đảng viên")
    ethnicity = StringField("Dân tộc", default="Kinh", validators=[Length(max=50)])
    education = StringField("Trình độ học vấn", validators=[Length(max=100)])
    qualification = StringField("Chuyên môn nghiệp vụ", validators=[Length(max=200)])
    political_theory = StringField("Lý luận chính trị", validators=[Length(max=100)])

    def data_dict(self) -> dict:
        return {k: getattr(self, k).data for k in (
            "full_name", "ho", "ten_dem", "ten", "gender", "birth_year", "position", "unit", "category",
            "is_party_member", "ethnicity", "education", "qualification", "political_theory")}


class ImportForm(FlaskForm):
    file = FileField("Tệp danh sách (.xlsx hoặc .csv)", validators=[
        FileRequired("Chọn tệp để nhập."), FileAllowed(["xlsx", "csv"], "Chỉ nhận tệp .xlsx hoặc .csv.")])


class CredentialForm(FlaskForm):
    status = SelectField("Kết quả", choices=[("accepted", "Đủ tư cách"), ("rejected", "Không đủ tư cách"),
                                             ("pending", "Chưa thẩm tra")])
    reason = TextAreaField("Lý do (bắt buộc khi không công nhận)", validators=[Length(max=1000)])


class PromoteForm(FlaskForm):
    alternate_id = SelectField("Đại biểu dự khuyết", coerce=int)
    replaces_id = SelectField("Thay cho đại biểu", coerce=int)
    reason = StringField("Lý do", validators=[DataRequired("Nhập lý do thay thế."), Length(max=500)])


class CheckInForm(FlaskForm):
    code = StringField("Số thẻ hoặc mã QR", validators=[DataRequired("Nhập số thẻ.")])
