"""Template helpers: Vietnamese number/date formatting, labels, permission checks, and the
page's language."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Flask
from flask_babel import get_locale, lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from .addresses import public_address
from .auth.permissions import has_permission
from .rules import get_preset

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def format_int(n) -> str:
    """1234567 -> "1.234.567" (Vietnamese grouping)."""
    if n is None:
        return ""
    return f"{int(n):,}".replace(",", ".")


def format_decimal_vi(value, places: int = 2) -> str:
    if value is None:
        return ""
    text = f"{value:.{places}f}"
    whole, _, frac = text.partition(".")
    return f"{format_int(int(whole))},{frac}" if frac else format_int(int(whole))


def local_time(value: dt.datetime | None, fmt: str = "%H:%M %d/%m/%Y") -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(VN_TZ).strftime(fmt)


def date_vi(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def vi_text(value) -> Markup | str:
    """People's names, units and titles typed in Vietnamese: marked ``lang="vi"`` when the
    page is in another language, so a screen reader pronounces them as Vietnamese."""
    if value is None or value == "":
        return ""
    if str(get_locale() or "vi") == "vi":
        return value
    return Markup('<span lang="vi">%s</span>') % value


# The bases of the thresholds in words. rules/presets.py keeps them in Vietnamese (the rules
# import nothing of Flask); the same words here, lazily translated, are what a page shows,
# so an English page reads "the ballots returned", not the Vietnamese. A test keeps the
# two tables equal in Vietnamese.
ELECT_BASE_WORDS_L = {
    "returned": _l("tổng số phiếu thu về, kể cả phiếu không hợp lệ"),
    "valid": _l("tổng số phiếu hợp lệ"),
}
MOTION_BASE_WORDS_L = {
    "present": _l("số đại biểu có mặt lúc biểu quyết"),
    "summoned": _l("số đại biểu được triệu tập"),
}


def base_words(preset, which: str):
    """The base of a rulebook's ``elect`` or ``motion`` majority, in the page's language."""
    if which == "elect":
        return ELECT_BASE_WORDS_L.get(preset.elect_base, preset.elect_base_words)
    return MOTION_BASE_WORDS_L.get(preset.motion_base, preset.motion_base_words)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["vi"] = vi_text
    app.jinja_env.filters["int_vi"] = format_int
    app.jinja_env.filters["dec_vi"] = format_decimal_vi
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["date_vi"] = date_vi

    @app.context_processor
    def _inject():
        return {
            "can": lambda perm: has_permission(current_user, perm),
            # the rulebook in force for a congress: pages print its fractions, never their own
            "preset_of": lambda congress: get_preset(congress.preset_code),
            "base_words": base_words,
            "current_lang": str(get_locale() or "vi"),
            # the address QR codes and links for phones carry (PUBLIC_BASE_URL or a LAN address)
            "public_address": public_address,
        }
