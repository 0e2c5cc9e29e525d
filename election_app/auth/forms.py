from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from .models import ROLE_LABELS


class LoginForm(FlaskForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Nhập tên đăng nhập.")])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Nhập mật khẩu.")])


class UserForm(FlaskForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Nhập tên đăng nhập."), Length(max=80)])
    full_name = StringField("Họ và tên", validators=[Length(max=200)])
    role = SelectField("Vai trò", choices=list(ROLE_LABELS.items()))
    password = PasswordField("Mật khẩu (ít nhất 8 ký tự)", validators=[DataRequired("Nhập mật khẩu.")])
