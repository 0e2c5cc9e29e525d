"""The board's keyboard entry of paper ballots: what the clerk types for one ballot and
what it means, plus each team's running count.

A clerk reads a ballot and types the printed numbers of the STRUCK names ("2 5", Enter).
Shortcuts, shown on the entry screen:
- ``+`` : no name struck (every name kept);
- ``*`` : every name struck;
- one letter per physical defect (``DEFECT_KEYS``), alone or with the numbers;
- any other defect in the board's own words, typed in the "lỗi khác" box beside the keys
  (code ``other``; the words are kept with the entry and shown as «…» here).
``parse_reading`` is pure (no database): it turns the text into (kept ids, defect).
"""
from __future__ import annotations

import json
import re
from collections.abc import Sequence

from ..errors import ValidationFailed
from ..rules import DEFECT_REASONS, OTHER_DEFECT, judge_ballot

# One key per defect code (Vietnamese mnemonics): K(hông do Ban bầu cử phát), D(ấu),
# T(hêm tên), R(iêng: dấu hiệu riêng), M(ờ: gạch không rõ).
DEFECT_KEYS: dict[str, str] = {
    "k": "not_issued",
    "d": "no_seal",
    "t": "name_added",
    "r": "distinguishing_mark",
    "m": "unclear_strike",
}
KEY_FOR_DEFECT = {code: key for key, code in DEFECT_KEYS.items()}
ALL_KEPT = "+"
ALL_STRUCK = "*"
_TOKEN = re.compile(r"\d+|[+*]|[A-Za-z]")


def _bad(message: str) -> ValidationFailed:
    return ValidationFailed(message, [{"field": "reading", "message": message}])


def parse_reading(text: str, numbers: Sequence[int]) -> tuple[list[int], str | None]:
    """``text`` typed for one ballot → (kept ids, defect code or None).

    ``numbers`` are the candidate ids in ballot order (number 1 is ``numbers[0]``). Refused
    (ValidationFailed): empty text, a number not on the ballot, a number twice, an unknown
    key, two defects, ``+`` or ``*`` mixed with numbers.
    """
    raw = (text or "").strip()
    if not raw:
        raise _bad(f"Chưa nhập gì: gõ số thứ tự các tên bị gạch, «{ALL_KEPT}» nếu không gạch ai.")
    leftovers = _TOKEN.sub(" ", raw).replace(",", " ").replace(";", " ").replace(".", " ").strip()
    if leftovers:
        raise _bad(f"Không hiểu «{leftovers}»: chỉ gõ số, «{ALL_KEPT}», «{ALL_STRUCK}» hoặc phím lỗi phiếu.")
    struck: list[int] = []
    defect: str | None = None
    shortcut: str | None = None
    for token in _TOKEN.findall(raw):
        if token.isdigit():
            n = int(token)
            if not 1 <= n <= len(numbers):
                raise _bad(f"Phiếu chỉ có {len(numbers)} tên: không có số {n}.")
            if n in struck:
                raise _bad(f"Số {n} được gõ hai lần.")
            struck.append(n)
        elif token in (ALL_KEPT, ALL_STRUCK):
            if shortcut and shortcut != token:
                raise _bad(f"Không thể vừa «{ALL_KEPT}» vừa «{ALL_STRUCK}».")
            shortcut = token
        else:
            code = DEFECT_KEYS.get(token.lower())
            if code is None:
                keys = ", ".join(f"{k.upper()}" for k in DEFECT_KEYS)
                raise _bad(f"Phím «{token}» không dùng được (phím lỗi phiếu: {keys}).")
            if defect and defect != code:
                raise _bad("Mỗi phiếu chỉ ghi một lý do không hợp lệ.")
            defect = code
    if shortcut and struck:
        raise _bad(f"«{shortcut}» không đi cùng số thứ tự tên.")
    if shortcut == ALL_STRUCK:
        struck = list(range(1, len(numbers) + 1))
    kept = [cid for i, cid in enumerate(numbers, start=1) if i not in struck]
    return kept, defect


def format_reading(kept: Sequence[int], defect: str | None, numbers: Sequence[int],
                   text: str | None = None) -> str:
    """The inverse of ``parse_reading``: what a clerk would type for this ballot (an
    ``other`` defect shows the board's words in «»)."""
    words_text = text
    kept_set = set(kept)
    struck = [str(i) for i, cid in enumerate(numbers, start=1) if cid not in kept_set]
    if not struck:
        text = ALL_KEPT
    elif len(struck) == len(numbers) and len(numbers) > 1:
        text = ALL_STRUCK
    else:
        text = " ".join(struck)
    if defect == OTHER_DEFECT:
        words = f"«{words_text}»" if words_text else "«?»"
        text = words if text == ALL_KEPT else f"{text} {words}"
    elif defect:
        key = KEY_FOR_DEFECT.get(defect, "?").upper()
        text = key if text == ALL_KEPT else f"{text} {key}"
    return text


def describe(kept: Sequence[int], defect: str | None, numbers: Sequence[int], seats: int,
             text: str | None = None) -> dict:
    """How the screen shows one reading: struck numbers, kept count and the verdict (an
    ``other`` defect in the board's words ``text``)."""
    verdict = judge_ballot(kept, list(numbers), seats, defect)
    kept_set = set(kept)
    struck = [i for i, cid in enumerate(numbers, start=1) if cid not in kept_set]
    if verdict.valid:
        label = "Hợp lệ"
    elif verdict.reason == OTHER_DEFECT and text:
        label = "Không hợp lệ: " + text
    else:
        from ..rules import INVALID_REASONS
        label = "Không hợp lệ: " + INVALID_REASONS[verdict.reason]
    return {"struck": struck, "kept_count": len(kept_set), "valid": verdict.valid,
            "reason": verdict.reason, "words": text if verdict.reason == OTHER_DEFECT else None,
            "label": label, "typed": format_reading(kept, defect, numbers, text)}


def running_count(entries, numbers: Sequence[int], seats: int, *, yes_no: bool = False) -> dict:
    """A team's own count of what it has entered so far (not the official count); void
    entries (huỷ phiếu nhập nhầm) are left out. Agree/disagree ballots (``yes_no``): ``votes``
    counts agree and ``against`` disagree, judged by the same ``YesNoJudge`` as the close."""
    from ..rules import YesNoJudge
    judge = YesNoJudge(list(numbers), seats) if yes_no else None
    votes = {cid: 0 for cid in numbers}
    against = {cid: 0 for cid in numbers}
    valid = invalid = void = 0
    by_reason = {code: 0 for code in DEFECT_REASONS}
    for e in entries:
        if getattr(e, "is_void", False):
            void += 1
            continue
        kept = json.loads(e.kept)
        if judge is not None:
            verdict = judge(kept, json.loads(e.against or "[]"), e.defect)
            kept, disagreed = verdict.kept, verdict.against
        else:
            verdict, disagreed = judge_ballot(kept, list(numbers), seats, e.defect), ()
        if verdict.valid:
            valid += 1
            for cid in kept:
                votes[cid] += 1
            for cid in disagreed:
                against[cid] += 1
        else:
            invalid += 1
            by_reason[verdict.reason] = by_reason.get(verdict.reason, 0) + 1
    out = {"entered": valid + invalid, "valid": valid, "invalid": invalid, "votes": votes,
           "invalid_by_reason": by_reason, "void": void}
    if yes_no:
        out["against"] = against
    return out


# --- agree/disagree ballots (phiếu đồng ý / không đồng ý) ----------------------------------
# The clerk types one mark per name, in ballot order, as one word: A (đồng ý), K (không đồng
# ý), H (cả hai ô: both boxes), "-" or "." or "0" (để trống: no box); "+" agrees to every
# name, "*" disagrees with every name. A defect key may follow after a space ("AAK D"); the
# first word is always the marks, so "K" alone on a one-name list is a vote against.
MARK_AGREE, MARK_AGAINST, MARK_BOTH, MARK_BLANK = "A", "K", "H", "-"
_MARKS = {"a": MARK_AGREE, "k": MARK_AGAINST, "h": MARK_BOTH, "-": MARK_BLANK, ".": MARK_BLANK, "0": MARK_BLANK}
YES_NO_KEYS = {ALL_KEPT: "agree_all", ALL_STRUCK: "against_all"}


def parse_yes_no_reading(text: str, numbers: Sequence[int]) -> tuple[list[int], list[int], str | None]:
    """``text`` typed for one agree/disagree ballot → (ids agreed, ids disagreed, defect).
    A name both marked is in both lists; a blank name in neither."""
    raw = (text or "").strip()
    if not raw:
        raise _bad(f"Chưa nhập gì: gõ mỗi tên một dấu (A đồng ý, K không đồng ý, H cả hai ô, - để trống), "
                   f"«{ALL_KEPT}» nếu đồng ý tất cả.")
    words = raw.replace(",", " ").replace(";", " ").split()
    first, rest = words[0], words[1:]
    if first in (ALL_KEPT, ALL_STRUCK):
        marks = (MARK_AGREE if first == ALL_KEPT else MARK_AGAINST) * len(numbers)
    elif all(ch.lower() in _MARKS for ch in first):
        marks = "".join(_MARKS[ch.lower()] for ch in first)
    elif len(first) == 1 and first.lower() in DEFECT_KEYS:
        marks, rest = MARK_BLANK * len(numbers), words      # a defect alone: no box read
    else:
        bad = "".join(ch for ch in first if ch.lower() not in _MARKS)
        raise _bad(f"Không hiểu «{bad}»: mỗi tên một dấu A, K, H hoặc -, rồi phím lỗi phiếu (nếu có).")
    if len(marks) != len(numbers):
        raise _bad(f"Phiếu có {len(numbers)} tên: gõ đủ {len(numbers)} dấu (đang có {len(marks)}).")
    defect: str | None = None
    for token in rest:
        code = DEFECT_KEYS.get(token.lower()) if len(token) == 1 else None
        if code is None:
            keys = ", ".join(f"{k.upper()}" for k in DEFECT_KEYS)
            raise _bad(f"Sau các dấu chỉ gõ phím lỗi phiếu ({keys}), không phải «{token}».")
        if defect and defect != code:
            raise _bad("Mỗi phiếu chỉ ghi một lý do không hợp lệ.")
        defect = code
    agree = [cid for cid, m in zip(numbers, marks) if m in (MARK_AGREE, MARK_BOTH)]
    against = [cid for cid, m in zip(numbers, marks) if m in (MARK_AGAINST, MARK_BOTH)]
    return agree, against, defect


def yes_no_marks(agree: Sequence[int], against: Sequence[int], numbers: Sequence[int]) -> str:
    """One mark per name in ballot order ("AAK-H")."""
    a, k = set(agree), set(against)
    return "".join(MARK_BOTH if c in a and c in k else MARK_AGREE if c in a else MARK_AGAINST if c in k
                   else MARK_BLANK for c in numbers)


def format_yes_no_reading(agree: Sequence[int], against: Sequence[int], defect: str | None,
                          numbers: Sequence[int], text: str | None = None) -> str:
    """The inverse of ``parse_yes_no_reading``."""
    typed = yes_no_marks(agree, against, numbers)
    if defect == OTHER_DEFECT:
        typed = f"{typed} «{text}»" if text else f"{typed} «?»"
    elif defect:
        typed = f"{typed} {KEY_FOR_DEFECT.get(defect, '?').upper()}"
    return typed


def describe_yes_no(agree: Sequence[int], against: Sequence[int], defect: str | None, numbers: Sequence[int],
                    seats: int, text: str | None = None) -> dict:
    """How the entry screen shows one agree/disagree reading."""
    from ..rules import INVALID_REASONS, judge_yes_no_ballot
    verdict = judge_yes_no_ballot(agree, against, list(numbers), seats, defect)
    if verdict.valid:
        label = "Hợp lệ"
    elif verdict.reason == OTHER_DEFECT and text:
        label = "Không hợp lệ: " + text
    else:
        label = "Không hợp lệ: " + INVALID_REASONS[verdict.reason]
    return {"struck": [], "kept_count": len(verdict.kept), "against_count": len(verdict.against),
            "valid": verdict.valid, "reason": verdict.reason,
            "words": text if verdict.reason == OTHER_DEFECT else None, "label": label,
            "marks": yes_no_marks(agree, against, numbers),
            "typed": format_yes_no_reading(agree, against, defect, numbers, text)}


