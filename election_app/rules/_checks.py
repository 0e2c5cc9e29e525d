"""Shared argument checks and exact integer rounding for the rules package.

Owns: validation of the counts every rule receives (integers, never negative, with a
Vietnamese message naming the count) and the one half-up rounding used for every printed
percentage. Private to ``election_app.rules``; nothing here knows about elections.
"""

from __future__ import annotations

from decimal import Decimal


def check_count(value: object, label: str) -> int:
    """Return ``value`` if it is a non-negative ``int``; raise otherwise.

    ``label`` is the Vietnamese name of the count, lower case ("số phiếu thu về"), used
    in the message. ``bool`` is refused: ``True`` is not a number of ballots.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{capitalize(label)} phải là số nguyên (nhận được {value!r}).")
    if value < 0:
        raise ValueError(f"{capitalize(label)} không được là số âm ({value}).")
    return value


def check_optional_count(value: object, label: str) -> int | None:
    if value is None:
        return None
    return check_count(value, label)


def is_int(value: object) -> bool:
    """An ``int`` that is not a ``bool``."""
    return isinstance(value, int) and not isinstance(value, bool)


def percent_half_up(numerator: int, denominator: int, places: int = 2) -> Decimal:
    """``numerator / denominator × 100`` rounded half-up (away from zero) to ``places``.

    Exact: computed on integers, then scaled, so no float and no intermediate rounding.
    ``denominator`` must be positive.
    """
    if denominator <= 0:
        raise ValueError("Mẫu số của tỷ lệ phần trăm phải lớn hơn 0.")
    sign = -1 if numerator < 0 else 1
    scale = 100 * 10**places
    # floor(|n| * scale / d + 1/2), done as floor((2·|n|·scale + d) / (2·d)).
    units = (2 * abs(numerator) * scale + denominator) // (2 * denominator)
    return Decimal(sign * units).scaleb(-places)


def capitalize(text: str) -> str:
    """First letter upper case, the rest untouched (Vietnamese messages start a sentence)."""
    return text[:1].upper() + text[1:]
