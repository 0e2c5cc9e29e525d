"""The citizen ID card (căn cước công dân, CCCD) at the door.

Every chip ID card carries a QR whose text is pipe-separated::

    <12-digit ID number>|<9-digit old CMND or empty>|<full name>|<birth ddmmyyyy>|<Nam/Nữ>|<address>|<issue ddmmyyyy>

``parse_id_card`` reads it tolerantly (old number missing or absent, trailing fields, other
whitespace, NFD text, a USB scanner's ``¦`` for ``|``) and keeps only what the door needs: the
numbers (to be hashed at once), the name, the birth date and the sex. The address and the
issue date are never kept.

Only a keyed hash of an ID number is ever stored (``delegates.id_hash``): HMAC-SHA-256 under a
key derived from the app's SECRET_KEY for this one purpose, so a copy of the database alone
cannot turn a hash back into a number by trying every number (changing SECRET_KEY makes
every stored hash useless: the numbers must then be imported again). ``IdNumberFilter`` keeps
ID numbers out of every log line.

No Flask import at module level: the secret is passed in, or read from the current app."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
import unicodedata
from dataclasses import dataclass

from ..rules import normalize_text

SEPARATORS = re.compile(r"[|¦｜]")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class IdCard:
    """What the door keeps of a scanned card, in memory only."""
    number: str                       # 12 digits
    old_number: str = ""              # 9 (or 12) digits of the old CMND, or ""
    name: str = ""                    # NFC, whitespace collapsed
    birth_date: dt.date | None = None
    birth_year: int | None = None     # a card may carry the year only
    sex: str | None = None            # "nam" | "nữ"

    def __repr__(self) -> str:        # never print the number by accident
        return f"IdCard(name={self.name!r}, birth_year={self.birth_year!r})"

    __str__ = __repr__

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(n for n in (self.number, self.old_number) if n)


def _clean(text: str) -> str:
    return normalize_text(unicodedata.normalize("NFC", text or ""))


def _only_digits(text: str) -> str | None:
    """The digits of a field written with spaces, dots or dashes between groups; None if it
    holds anything else."""
    squeezed = re.sub(r"[\s.\-]", "", text)
    return squeezed if squeezed.isdigit() and squeezed.isascii() else None


def _birth(text: str) -> tuple[dt.date | None, int | None]:
    digits = re.sub(r"[\s/.\-]", "", text)
    if not (digits.isdigit() and digits.isascii()):
        return None, None
    if len(digits) == 8:
        try:
            d = dt.date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
        except ValueError:
            return None, None
        return (d, d.year) if 1900 <= d.year <= 2100 else (None, None)
    if len(digits) == 4 and 1900 <= int(digits) <= 2100:
        return None, int(digits)
    return None, None


def _sex(text: str) -> str | None:
    word = _clean(text).casefold()
    if word in ("nam", "male", "m"):
        return "nam"
    if word in ("nữ", "nu", "female", "f"):
        return "nữ"
    return None


def looks_like_id_card(text: str) -> bool:
    """A scan that is meant as a citizen ID card (to be answered as one, even if broken):
    12 digits alone, or 12 digits then a separator."""
    text = _clean(text)
    head = SEPARATORS.split(text, maxsplit=1)[0].strip()
    digits = _only_digits(head)
    if digits is None or len(digits) != 12:
        return False
    return text == head or bool(SEPARATORS.search(text))


def parse_id_card(text: str) -> IdCard | None:
    """The card read from its QR text (or a bare 12-digit number typed by hand); None for
    anything that is not a citizen ID card. Never raises."""
    if not isinstance(text, str) or len(text) > 2000:
        return None
    parts = [_clean(p) for p in SEPARATORS.split(_clean(text))]
    number = _only_digits(parts[0]) if parts else None
    if number is None or len(number) != 12 or set(number) == {"0"}:
        return None
    rest = parts[1:]
    old = ""
    if rest:
        maybe_old = _only_digits(rest[0]) if rest[0] else ""
        if rest[0] == "" or (maybe_old is not None and len(maybe_old) in (9, 12)):
            old = maybe_old or ""
            rest = rest[1:]
        elif maybe_old is not None:
            rest = rest[1:]                  # a number we do not know: skipped, never kept
    name = ""
    if rest and rest[0] and any(ch.isalpha() for ch in rest[0]) and not _DIGITS.fullmatch(rest[0]):
        name = rest[0]
        rest = rest[1:]
    birth_date, birth_year = (None, None)
    if rest:
        birth_date, birth_year = _birth(rest[0])
        if birth_year is not None:
            rest = rest[1:]
    sex = _sex(rest[0]) if rest else None
    return IdCard(number=number, old_number=old if old != number else "", name=name,
                  birth_date=birth_date, birth_year=birth_year, sex=sex)


# --- the number typed on a roll or the edit form -----------------------------------------------

class BadIdNumber(ValueError):
    """A Vietnamese sentence that never repeats the number."""


def normalize_id_number(value) -> str:
    """The 12-digit CCCD number (or the 9-digit old CMND) as written in a roll cell or on the
    form. A spreadsheet that stored the number as a number lost its leading zeros (10–11 or 8
    digits): they are put back. Raises ``BadIdNumber``."""
    if isinstance(value, bool):
        raise BadIdNumber("Số CCCD không hợp lệ.")
    if isinstance(value, float):
        if not value.is_integer():
            raise BadIdNumber("Số CCCD bị bảng tính đổi thành số thập phân hoặc dạng 1,09E+11: "
                              "hãy định dạng cột là Văn bản và nhập lại.")
        value = int(value)
    text = _clean(str(value))
    if re.search(r"\d[eE]\+?\d", text):
        raise BadIdNumber("Số CCCD bị bảng tính đổi thành dạng 1,09E+11 (mất chữ số): "
                          "hãy định dạng cột là Văn bản và nhập lại.")
    digits = _only_digits(text)
    if digits is None:
        raise BadIdNumber("Số CCCD chỉ gồm chữ số (12 chữ số; CMND cũ 9 chữ số).")
    if len(digits) in (10, 11):
        digits = digits.zfill(12)
    elif len(digits) == 8:
        digits = digits.zfill(9)
    if len(digits) not in (9, 12):
        raise BadIdNumber(f"Số CCCD phải có 12 chữ số (CMND cũ 9 chữ số); ô này có {len(digits)} chữ số.")
    if set(digits) == {"0"}:
        raise BadIdNumber("Số CCCD không hợp lệ.")
    return digits


# --- the keyed hash ----------------------------------------------------------------------------

def current_secret() -> str:
    from flask import current_app  # lazy: importable without an app
    return current_app.config["SECRET_KEY"]


def _derived_key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"election_app/citizen-id-number/v1", hashlib.sha256).digest()


def id_hash(number: str, *, secret: str | None = None) -> str:
    """HMAC-SHA-256 (hex) of an ID number under the derived key."""
    key = _derived_key(secret if secret is not None else current_secret())
    return hmac.new(key, f"cccd:{number}".encode(), hashlib.sha256).hexdigest()


def card_hashes(card: IdCard, *, secret: str | None = None) -> list[str]:
    return [id_hash(n, secret=secret) for n in card.numbers]


# --- keeping numbers out of logs ------------------------------------------------------------------

# A CCCD QR in a URL (a scan typed into a search box): from the 12 digits to the end of the
# value; and any other run of 9 or more digits (an ID number alone).
_QR_IN_TEXT = re.compile(r"\d{12}(?:\||%7[cC]|¦|%C2%A6)[^&\s\"']*")
_LONG_NUMBER = re.compile(r"(?<!\d)\d{9,}(?!\d)")
REDACTED = "[cccd]"


def redact_id_numbers(text: str) -> str:
    return _LONG_NUMBER.sub(REDACTED, _QR_IN_TEXT.sub(REDACTED, text))


class IdNumberFilter(logging.Filter):
    """Rewrites a log record so that an ID number (or a whole card's QR) never reaches a
    handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is not ours to fix
            return True
        cleaned = redact_id_numbers(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = ()
        return True


_FILTER = IdNumberFilter()
LOGGER_NAMES = ("werkzeug", "gunicorn.access", "gunicorn.error", "election_app", "flask.app")


def install_log_redaction() -> None:
    """Attach the filter to the web servers' and the app's loggers and to the root logger's
    handlers. Idempotent."""
    for name in LOGGER_NAMES:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
        for handler in logger.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
    for handler in logging.getLogger().handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
