"""Vietnamese personal names: normalizing, splitting, ordering, and spotting duplicates.

Owns:
- ``normalize_text``: the one canonical form of any name text (NFC, invisible characters
  removed, single spaces); ``control_characters`` and ``foreign_letters`` for what data entry
  refuses (NUL and the like; Cyrillic/Greek look-alikes);
- ``split_full_name`` / ``join_name``: họ, tên đệm, tên as stored separately;
- the order of every list and ballot (RULES §4.1): by tên, then họ, then tên đệm, then
  earlier birth year. Within a name part, words are compared word by word, and inside a
  word **letter by letter, each letter with its tone** (``letter_tone``, the default):
  letters in the Vietnamese alphabet (a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u
  ư v w x y z, case-insensitive), the same letter unmarked first, then huyền < hỏi < ngã <
  sắc < nặng; so Hoan < Hòa, Nghiệm < Nghĩa, Thanh < Thái, Duy < Dũng. The CLDR ``vi``
  order (``cldr``: tones only break ties of whole words) is kept as a preset option. Never
  by code point;
- ``duplicate_key``: when two entries are probably the same person.

Both sort keys and the duplicate key treat old and new tone placement (Hoà / Hòa, Thuỷ /
Thủy, Khoẻ / Khỏe) as one spelling: the letter-with-tone key first puts the tone on the
word's main vowel (the new placement: hoà, thuỷ, hoạch), wherever it was typed. Input may be NFC or NFD (e.g. pasted from macOS or a
spreadsheet): everything is normalized first.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
"""Vietnamese letter order; f j w z (foreign letters) in their Latin place."""

_LETTER_RANK = {letter: rank for rank, letter in enumerate(ALPHABET)}

NAME_ORDERS = ("letter_tone", "cldr")
"""The name orders a rulebook may choose (RULES §4.1): ``letter_tone`` compares each letter
with its tone (the order of the official printed lists, the default); ``cldr`` compares the
toneless letters of a word first and its tones only to break a tie (CLDR ``vi``)."""
DEFAULT_NAME_ORDER = "letter_tone"

# Tone marks (combining), ranked as in CLDR vi: none(0) < huyền < hỏi < ngã < sắc < nặng.
TONE_MARKS = {
    "\u0300": 1,  # huyền (grave)
    "\u0309": 2,  # hỏi (hook above)
    "\u0303": 3,  # ngã (tilde)
    "\u0301": 4,  # sắc (acute)
    "\u0323": 5,  # nặng (dot below)
}
# Marks that make a different letter: ă (breve), â ê ô (circumflex), ơ ư (horn).
_LETTER_MODIFIERS = frozenset({"\u0306", "\u0302", "\u031b"})
_VOWELS = frozenset("aăâeêioôơuưy")
_MODIFIED_VOWELS = frozenset("ăâêôơư")

# Primary classes: punctuation and digits before letters (as ICU does), then the
# Vietnamese alphabet, then letters of other scripts by code point.
_CLASS_OTHER = 0
_CLASS_LETTER = 1
_CLASS_FOREIGN = 2


# Characters that print as nothing (zero-width space/joiners, word joiner, BOM, soft hyphen,
# direction marks and embeddings, Mongolian vowel separator, invisible operators, Hangul
# fillers): pasted from web pages and Word, they would make "An" and "A\u200bn" two people.
# ``normalize_text`` removes them (normalize, not reject: they carry no meaning in a name).
INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufe00\ufe01\ufe02\ufe03\ufe04\ufe05\ufe06"
    "\ufe07\ufe08\ufe09\ufe0a\ufe0b\ufe0c\ufe0d\ufe0e\ufe0f\ufeff\uffa0")
_DROP_INVISIBLE = {ord(ch): None for ch in INVISIBLE}

# Letters of other scripts drawn like Latin ones (Cyrillic, Greek, fullwidth): "Nguyеn" with a
# Cyrillic е looks like "Nguyen". Data entry refuses them in names (``foreign_letters``);
# ``duplicate_key`` reads them as the Latin letter, so a look-alike never makes a new person.
CONFUSABLES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "ë", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S", "Һ": "H", "Ԁ": "D", "Ԛ": "Q", "Ԝ": "W",
    # Greek
    "α": "a", "ο": "o", "ν": "v", "ι": "i", "κ": "k", "τ": "t", "υ": "u", "ρ": "p",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Latin look-alikes outside Vietnamese: dotless i, Icelandic eth (Ð is not Đ)
    "ı": "i", "Ð": "Đ", "ð": "đ",
}
_FOLD_CONFUSABLES = {ord(k): v for k, v in CONFUSABLES.items()}


def normalize_text(s: str | None) -> str:
    """NFC, invisible characters removed, trimmed, every run of whitespace collapsed to one
    space; ``None`` → ``""``. NFKC is applied only to fullwidth/compatibility letters
    (``Ｎｇｕｙễｎ`` → ``Nguyễn``), never changing a Vietnamese letter."""
    if s is None:
        return ""
    text = unicodedata.normalize("NFC", s.translate(_DROP_INVISIBLE))
    if any("\uff00" <= ch <= "\uffef" for ch in text):
        text = "".join(unicodedata.normalize("NFKC", ch) if "\uff00" <= ch <= "\uffef" else ch for ch in text)
    return " ".join(text.split())


def control_characters(text: str) -> list[str]:
    """Control characters left in a text (NUL and the like; tabs and line breaks are
    whitespace and already collapsed by ``normalize_text``): data entry refuses them."""
    return [ch for ch in text if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and not ch.isspace()]


def foreign_letters(text: str) -> list[str]:
    """Letters of a name that are not Latin (Vietnamese is written in Latin letters only):
    a Cyrillic «а» or Greek «ο» is a look-alike, never a real Vietnamese letter."""
    out = []
    for ch in text:
        if ch.isalpha() and (ord(ch) > 0x024F and not 0x1E00 <= ord(ch) <= 0x1EFF or ch in CONFUSABLES):
            out.append(ch)
    return out


def split_full_name(full: str) -> tuple[str, str, str]:
    """Split a full name into (họ, tên đệm, tên).

    One word is the tên alone; two words are họ and tên; more words put the first in họ,
    the last in tên and everything between in tên đệm ("Nguyễn Thị Ngọc Ánh" →
    ("Nguyễn", "Thị Ngọc", "Ánh")). An empty name raises ``ValueError``.
    """
    text = normalize_text(full)
    if not text:
        raise ValueError("Họ và tên không được để trống.")
    words = text.split(" ")
    if len(words) == 1:
        return "", "", words[0]
    if len(words) == 2:
        return words[0], "", words[1]
    return words[0], " ".join(words[1:-1]), words[-1]


def join_name(ho: str | None, ten_dem: str | None, ten: str | None) -> str:
    """The full name from its parts, normalized, empty parts left out."""
    parts = (normalize_text(ho), normalize_text(ten_dem), normalize_text(ten))
    return " ".join(part for part in parts if part)


def _clusters(word: str) -> list[tuple[str, list[str]]]:
    """NFD ``word`` as (base character, [combining marks]) clusters."""
    clusters: list[tuple[str, list[str]]] = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch) and clusters:
            clusters[-1][1].append(ch)
        else:
            # A mark with nothing before it stands as its own cluster with no base.
            clusters.append(("", [ch]) if unicodedata.combining(ch) else (ch, []))
    return clusters


def _lower_char(ch: str) -> str:
    low = ch.lower()
    return low if len(low) == 1 else ch


def _walk(word: str) -> tuple[list, list[str], list[int], list[tuple[int, int]], list[int]]:
    """One walk over a space-free word, shared by both name orders: per letter cluster its
    (class, rank), or ``None`` for a mark with no letter; its lower-case NFC letter; the
    word's tones in order; any other marks as (position, code); the case of each letter
    (lower case first). The two keys differ only in where they rank the tones."""
    bases: list[tuple[int, int] | None] = []
    letters: list[str] = []
    tones: list[int] = []
    extras: list[tuple[int, int]] = []
    case: list[int] = []
    for position, (base, marks) in enumerate(_clusters(word)):
        modifiers = "".join(m for m in marks if m in _LETTER_MODIFIERS)
        for mark in marks:
            if mark in TONE_MARKS:
                tones.append(TONE_MARKS[mark])
            elif mark not in _LETTER_MODIFIERS:
                extras.append((position, ord(mark)))
        low = _lower_char(base)
        letter = unicodedata.normalize("NFC", low + modifiers) if low else ""
        if letter in _LETTER_RANK:
            bases.append((_CLASS_LETTER, _LETTER_RANK[letter]))
        elif low in _LETTER_RANK:
            # A modifier Vietnamese does not use on this letter (e.g. ŏ): base letter,
            # the mark only as a secondary difference.
            letter = low
            bases.append((_CLASS_LETTER, _LETTER_RANK[low]))
            extras.extend((position, ord(m)) for m in modifiers)
        elif low:
            bases.append((_CLASS_FOREIGN if low.isalpha() else _CLASS_OTHER, ord(low)))
            extras.extend((position, ord(m)) for m in modifiers)
        else:
            bases.append(None)
            extras.extend((position, ord(m)) for m in modifiers)
        letters.append(letter)
        case.append(1 if base != low else 0)
    return bases, letters, tones, extras, case


def _analyse_word(word: str) -> tuple[tuple, tuple, tuple]:
    """(primary, secondary, tertiary) of one space-free word for ``cldr``.

    primary: the letters, without tones, as (class, rank) pairs;
    secondary: (the word's tones in order, any other marks) — the tone belongs to the
      word, so where it sits (Hoà / Hòa) makes no difference;
    tertiary: the case of each letter (lower case first).
    """
    bases, _letters, tones, extras, case = _walk(word)
    return (tuple(b for b in bases if b is not None), (tuple(tones), tuple(extras)), tuple(case))


def word_key(word: str | None) -> tuple[tuple, tuple, tuple]:
    """CLDR-like key of one name part (the ``cldr`` name order): (primary, secondary, tertiary).

    Compare two keys as tuples: the toneless letters of the whole part first, word by
    word (a shorter word that is a prefix comes first: "an" < "anh"), then the tones of
    the words in order, then letter case. Equal primary and secondary means the same
    name as written by hand (only tone placement or case may differ).
    """
    text = normalize_text(word)
    analysed = [_analyse_word(w) for w in text.split(" ")] if text else []
    primary = tuple(a[0] for a in analysed)
    secondary = tuple(a[1] for a in analysed)
    tertiary = tuple(a[2] for a in analysed)
    return primary, secondary, tertiary


def _main_vowel(letters: list[str]) -> int | None:
    """Index of the letter that carries the tone in the new placement (hoà, thuỷ, quý,
    giữ, hoạch, người), or ``None`` when the word has no vowel. ``letters`` are lower-case
    NFC letters without tone."""
    vowels = [i for i, ch in enumerate(letters) if ch in _VOWELS]
    if not vowels:
        return None
    # u after q and i after g (before another vowel) belong to the consonant: quý, giữ.
    if len(vowels) > 1 and vowels[0] > 0 and (
        (letters[vowels[0]] == "u" and letters[vowels[0] - 1] == "q")
        or (letters[vowels[0]] == "i" and letters[vowels[0] - 1] == "g")
    ) and vowels[1] == vowels[0] + 1:
        vowels = vowels[1:]
    # The first run of vowels is the syllable's nucleus.
    run = [vowels[0]]
    for i in vowels[1:]:
        if i != run[-1] + 1:
            break
        run.append(i)
    modified = [i for i in run if letters[i] in _MODIFIED_VOWELS]
    if modified:
        return modified[-1]                      # người, thuyền, hữu
    if len(run) == 1:
        return run[0]
    if run[-1] + 1 < len(letters):
        return run[-1]                           # a final consonant: hoạch, toán, quỳnh
    if len(run) >= 3:
        return run[1]                            # oai, oay, uya, uyu, oeo: the middle one
    if "".join(letters[i] for i in run) in ("oa", "oe", "uy"):
        return run[1]                            # hoà, khoẻ, thuỷ (new placement)
    return run[0]                                # ai, ao, au, ay, eo, ia, iu, oi, ua, ui


def _letter_tone_word(word: str) -> tuple[tuple, tuple, tuple]:
    """(primary, secondary, tertiary) of one space-free word for ``letter_tone``.

    primary: one (class, rank, tones) per letter, the tones moved to the main vowel;
    secondary: any other marks; tertiary: the case of each letter (lower case first).
    """
    walked, letters, tones, extras, case = _walk(word)
    bases = [b if b is not None else (_CLASS_OTHER, -1) for b in walked]
    target = _main_vowel(letters) if tones else None
    if tones and target is None:
        target = len(letters) - 1
    primary = tuple((cls, rank, tuple(tones) if i == target else ())
                    for i, (cls, rank) in enumerate(bases))
    return primary, tuple(extras), tuple(case)


def letter_tone_key(word: str | None) -> tuple[tuple, tuple, tuple]:
    """Key of one name part under ``letter_tone`` (RULES §4.1): (primary, secondary,
    tertiary), word by word; inside a word letter by letter, each letter with its tone
    (unmarked < huyền < hỏi < ngã < sắc < nặng), so a tone on an earlier letter outranks
    later letters (Hoan < Hòa, Thanh < Thái). Old and new tone placement give one key."""
    text = normalize_text(word)
    analysed = [_letter_tone_word(w) for w in text.split(" ")] if text else []
    return (tuple(a[0] for a in analysed), tuple(a[1] for a in analysed),
            tuple(a[2] for a in analysed))


def _part_key(order: str) -> Callable[[str | None], tuple[tuple, tuple, tuple]]:
    if order == "letter_tone":
        return letter_tone_key
    if order == "cldr":
        return word_key
    raise ValueError(f"Cách xếp tên không hợp lệ: {order!r} (chỉ nhận {', '.join(NAME_ORDERS)}).")


def _year_key(birth_year: int | None) -> tuple[int, int]:
    if birth_year is None:
        return (1, 0)
    if isinstance(birth_year, bool) or not isinstance(birth_year, int):
        raise TypeError(f"Năm sinh phải là số nguyên (nhận được {birth_year!r}).")
    return (0, birth_year)


def name_sort_key(
    ho: str | None, ten_dem: str | None, ten: str | None, birth_year: int | None = None,
    order: str = DEFAULT_NAME_ORDER,
) -> tuple[Any, ...]:
    """Sort key for the Vietnamese order of RULES §4.1.

    tên, then họ, then tên đệm (each compared under ``order``, one of ``NAME_ORDERS``:
    the rulebook's ``name_order``), then the earlier birth year (unknown after any year);
    letter case and finally the exact text only make the order total and independent of
    input order, and never outrank a real difference.
    """
    part = _part_key(order)
    k_ten, k_ho, k_dem = part(ten), part(ho), part(ten_dem)
    return (
        k_ten[0], k_ten[1],
        k_ho[0], k_ho[1],
        k_dem[0], k_dem[1],
        _year_key(birth_year),
        (k_ten[2], k_ho[2], k_dem[2]),
        (normalize_text(ten), normalize_text(ho), normalize_text(ten_dem)),
    )


def full_name_sort_key(full_name: str, birth_year: int | None = None,
                       order: str = DEFAULT_NAME_ORDER) -> tuple[Any, ...]:
    """``name_sort_key`` of a full name split by ``split_full_name``."""
    return name_sort_key(*split_full_name(full_name), birth_year, order=order)


def sort_people(
    items: Iterable[T],
    key: Callable[[T], tuple] | None = None,
    order: str = DEFAULT_NAME_ORDER,
) -> list[T]:
    """``items`` in the Vietnamese order (``order``: the rulebook's ``name_order``).

    ``key(item)`` returns (họ, tên đệm, tên, birth_year); without ``key`` each item is
    itself such a tuple (birth_year may be left out).
    """
    get = key if key is not None else (lambda item: item)
    return sorted(items, key=lambda item: name_sort_key(*get(item), order=order))


def _canonical_word(word: str) -> str:
    """One spelling per word for ``duplicate_key``: the tone moved to a fixed vowel.

    The tone goes on the last vowel carrying a letter mark (ă â ê ô ơ ư), else on the
    last vowel, else at the end; the result reads like the name ("nguyễn", "hoà",
    "thuỷ") and is the same whichever placement was typed.
    """
    tones: list[str] = []
    letters: list[str] = []
    for base, marks in _clusters(word):
        tones.extend(m for m in marks if m in TONE_MARKS)
        kept_marks = "".join(m for m in marks if m not in TONE_MARKS)
        letters.append(unicodedata.normalize("NFC", base + kept_marks))
    if not tones:
        return "".join(letters)
    target = None
    for index, letter in enumerate(letters):
        if letter in _MODIFIED_VOWELS:
            target = index
    if target is None:
        for index, letter in enumerate(letters):
            if letter in _VOWELS:
                target = index
    if target is None:
        target = len(letters) - 1
    letters[target] = letters[target] + "".join(tones)
    return unicodedata.normalize("NFC", "".join(letters))


def duplicate_key(full_name: str | None, birth_year: int | None = None) -> str:
    """A key under which two entries are probably the same person.

    Case-folded, whitespace collapsed, tone placement unified (Hòa = Hoà, Thủy = Thuỷ,
    Khỏe = Khoẻ); a different tone or letter stays different (Hòa ≠ Hoa, Đức ≠ Dức).
    With ``birth_year``, "#<year>" is appended. An empty name gives "" (or "#<year>").
    """
    text = normalize_text(normalize_text(full_name).translate(_FOLD_CONFUSABLES).casefold())
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    key = " ".join(_canonical_word(w) for w in text.split(" ")) if text else ""
    if birth_year is not None:
        _year_key(birth_year)
        key = f"{key}#{birth_year}"
    return key
