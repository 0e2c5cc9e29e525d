from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length



class LoginForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(_l("Nhập tên đăng nhập."))])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Nhập mật khẩu."))])


class UserForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(_l("Nhập tên đăng nhập.")), Length(max=80)])
    full_name = StringField(_l("Họ và tên"), validators=[Length(max=200)])
    role = SelectField(_l("Vai trò"), choices=[
        ("admin", _l("Quản trị hệ thống")), ("organizer", _l("Ban tổ chức")),
        ("board", _l("Ban bầu cử (Ban kiểm phiếu)")), ("secretary", _l("Thư ký đại hội"))])
    password = PasswordField(_l("Mật khẩu (ít nhất 8 ký tự)"), validators=[DataRequired(_l("Nhập mật khẩu."))])


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(_l("Nhập mật khẩu hiện tại."))])
    password = PasswordField(_l("Mật khẩu mới (ít nhất 8 ký tự)"),
                             validators=[DataRequired(_l("Nhập mật khẩu mới.")), Length(max=200)])
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"),
                            validators=[DataRequired(_l("Nhập lại mật khẩu mới.")),
                                        EqualTo("password", _l("Hai lần nhập mật khẩu mới không khớp."))])


class PasswordResetForm(FlaskForm):
    password = PasswordField(_l("Mật khẩu mới (ít nhất 8 ký tự)"),
                             validators=[DataRequired(_l("Nhập mật khẩu mới.")), Length(max=200)])


class ScopeForm(FlaskForm):
    username = SelectField(_l("Tài khoản"), validators=[DataRequired()])
    congress_id = SelectField(_l("Đại hội"), coerce=int, validators=[DataRequired()])
    grant = SubmitField(_l("Cấp quyền"))
    revoke = SubmitField(_l("Thu hồi"))
