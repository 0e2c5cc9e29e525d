"""Text typed in the old Vietnamese 8-bit encodings, read back as Unicode.

Before Unicode, Vietnamese offices typed with fonts that re-draw Latin-1 code points:
- **TCVN3** (TCVN 5712:1993 VN3, "ABC", fonts .VnTime/.VnArial): one byte per letter,
  e.g. "NguyÔn V¨n §øc" is "Nguyễn Văn Đức";
- **VNI** (VNI-Windows, fonts VNI-Times): a base letter followed by a mark byte,
  e.g. "Nguyeãn Vaên Ñöùc".
A spreadsheet keeps those bytes as the characters Windows gave them (code page 1252);
a CSV saved "ANSI" keeps the raw bytes. ``to_unicode`` undoes either, ``detect`` says which
one a set of cells was typed in by counting words that only become Vietnamese syllables
once converted.

Verified on known words (tests/unit/imports/test_legacy.py): "Hä vµ tªn" → "Họ và tên",
"Tr­êng TiÓu häc" → "Trường Tiểu học", "Hoï vaø teân" → "Họ và tên", "Tröôøng" → "Trường".
"""
from __future__ import annotations

import re
import unicodedata

UNICODE, TCVN3, VNI = "unicode", "tcvn3", "vni"
LABELS = {
    UNICODE: "Unicode (giữ nguyên)",
    TCVN3: "TCVN3 (ABC, phông .VnTime)",
    VNI: "VNI (phông VNI-Times)",
}

# TCVN3 byte -> letter. Only seven capitals exist in TCVN3 (the others were typed with the
# capital-only font .VnTimeH on the lower-case codes).
_TCVN3 = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}

# VNI: letters that are one byte, and the mark bytes that follow a vowel.
_VNI_SINGLE = {
    0xD1: "Đ", 0xF1: "đ", 0xD4: "Ơ", 0xF4: "ơ", 0xD6: "Ư", 0xF6: "ư",
    0xCD: "Í", 0xED: "í", 0xCC: "Ì", 0xEC: "ì", 0xC6: "Ỉ", 0xE6: "ỉ",
    0xD3: "Ĩ", 0xF3: "ĩ", 0xD2: "Ị", 0xF2: "ị", 0xCE: "Ỵ", 0xEE: "ỵ",
}
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE = "\u0302", "\u0306"
_VNI_MARKS = {}
for _lower, _upper, _marks in (
    (0xF9, 0xD9, _ACUTE), (0xF8, 0xD8, _GRAVE), (0xFB, 0xDB, _HOOK), (0xF5, 0xD5, _TILDE), (0xEF, 0xCF, _DOT),
    (0xE2, 0xC2, _CIRC), (0xEA, 0xCA, _BREVE),
    (0xE1, 0xC1, _CIRC + _ACUTE), (0xE0, 0xC0, _CIRC + _GRAVE), (0xE5, 0xC5, _CIRC + _HOOK),
    (0xE3, 0xC3, _CIRC + _TILDE), (0xE4, 0xC4, _CIRC + _DOT),
    (0xE9, 0xC9, _BREVE + _ACUTE), (0xE8, 0xC8, _BREVE + _GRAVE), (0xFA, 0xDA, _BREVE + _HOOK),
    (0xFC, 0xDC, _BREVE + _TILDE), (0xEB, 0xCB, _BREVE + _DOT),
):
    _VNI_MARKS[_lower] = _marks
    _VNI_MARKS[_upper] = _marks
_TONES = {_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT}
_VOWEL_BASES = set("aeiouyAEIOUY")


def _byte_of(ch: str, codec: str) -> int | None:
    """The byte an old-font character was typed as (code page 1252 for spreadsheets,
    the CSV's own code page for a CSV read as Windows-1258)."""
    try:
        raw = ch.encode(codec)
    except UnicodeEncodeError:
        raw = b""
    if len(raw) == 1:
        return raw[0]
    return ord(ch) if ord(ch) < 256 else None


def _tcvn3(text: str, codec: str) -> str:
    out = []
    for ch in text:
        b = _byte_of(ch, codec)
        out.append(_TCVN3.get(b, ch) if b is not None and b >= 0x80 else ch)
    return "".join(out)


def _vni(text: str, codec: str) -> str:
    out: list[str] = []       # each item: a base letter followed by its combining marks
    for ch in text:
        b = _byte_of(ch, codec)
        if b is not None and b >= 0x80 and b in _VNI_MARKS and out:
            prev = out[-1]
            base = unicodedata.normalize("NFD", prev)
            letter, marks = base[0], set(base[1:])
            add = _VNI_MARKS[b]
            ok = letter in _VOWEL_BASES and not (_TONES & marks and _TONES & set(add))
            if ok and (_CIRC in add and letter.lower() not in "aeo" or _BREVE in add and letter.lower() != "a"):
                ok = False
            if ok and (_CIRC in add or _BREVE in add) and marks - _TONES:
                ok = False
            if ok:
                out[-1] = unicodedata.normalize("NFC", base + add)
                continue
        if b is not None and b >= 0x80 and b in _VNI_SINGLE:
            out.append(_VNI_SINGLE[b])
        else:
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def to_unicode(text: str, encoding: str, codec: str = "cp1252") -> str:
    """``text`` typed in ``encoding`` (TCVN3/VNI) as Unicode NFC; Unicode text unchanged."""
    if encoding == TCVN3:
        return unicodedata.normalize("NFC", _tcvn3(text, codec))
    if encoding == VNI:
        return _vni(text, codec)
    return text


# --- telling which: whole words that are Vietnamese syllables ------------------------------
_ONSET = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvxfjwz]"
_NUCLEUS = ("iêu|yêu|oai|oao|oay|oeo|uây|uôi|ươi|ươu|uya|uyê|uyu|"
            "ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|oo|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê|"
            "[aăâeêioôơuưy]")
_CODA = "ch|ng|nh|[cmnpt]"
_SYLLABLE = re.compile(f"^(?:{_ONSET})?(?:{_NUCLEUS})(?:{_CODA})?$")
_STRIP = ".,;:()[]\"'!?/-–0123456789"


def is_vietnamese_word(word: str) -> bool:
    """A plausible Vietnamese syllable: onset, vowel nucleus, coda, at most one tone."""
    w = unicodedata.normalize("NFD", word.strip(_STRIP).lower())
    if not w:
        return False
    tones = sum(1 for c in w if c in _TONES)
    if tones > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in w if c not in _TONES))
    return bool(_SYLLABLE.match(base))


def _legacy_looking(word: str) -> bool:
    return any(128 <= ord(c) < 256 for c in word)


def detect(texts, codec: str = "cp1252", sample: int = 3000) -> tuple[str, dict]:
    """(encoding, evidence) for the text cells of a file. evidence: words that became
    Vietnamese per encoding, and one example before → after."""
    words: list[str] = []
    for t in texts:
        for w in str(t).split():
            if _legacy_looking(w):
                words.append(w)
        if len(words) >= sample:
            break
    scores: dict[str, int] = {}
    examples: dict[str, tuple[str, str]] = {}
    for enc in (TCVN3, VNI):
        gain = loss = 0
        for w in words:
            conv = to_unicode(w, enc, codec)
            if conv == w:
                continue
            before, after = is_vietnamese_word(w), is_vietnamese_word(conv)
            if after and not before:
                gain += 1
                # The example shown to the organizer: the longest capitalised word (a name).
                rank = (conv[:1].isupper() and conv[1:].islower(), len(conv))
                if enc not in examples or rank > examples[enc][2]:
                    examples[enc] = (w, conv, rank)
            elif before and not after:
                loss += 1
        scores[enc] = gain - 3 * loss
    best = max(scores, key=lambda k: scores[k])
    if scores[best] >= 2:
        return best, {"scores": scores, "example": examples[best][:2] if best in examples else None}
    return UNICODE, {"scores": scores, "example": None}
