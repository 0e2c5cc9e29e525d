"""Forms of the motions page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class MotionForm(FlaskForm):
    title = StringField(_l("Nội dung biểu quyết"), validators=[DataRequired(_l("Nhập nội dung biểu quyết.")),
                                                              Length(max=400)])


class ActionForm(FlaskForm):
    """Only the CSRF token."""
