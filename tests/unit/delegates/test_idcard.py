"""The citizen ID card's QR (CCCD) read without a database: the usual layout and its
variants (old number missing or absent, trailing fields, other whitespace, NFD text, a
scanner's «¦»), junk that must never raise, the number typed on a roll, the keyed hash,
and the log filter."""
from __future__ import annotations

import datetime as dt
import logging
import unicodedata

import pytest
from hypothesis import given, settings, strategies as st

from election_app.delegates.idcard import (BadIdNumber, IdCard, IdNumberFilter, id_hash, looks_like_id_card,
                                           normalize_id_number, parse_id_card, redact_id_numbers)

CARD = "001090012345|012345678|Nguyễn Văn An|15081990|Nam|Số 1 Phố Huế, Hai Bà Trưng, Hà Nội|10052021"
AN = dict(number="001090012345", name="Nguyễn Văn An", birth_date=dt.date(1990, 8, 15), birth_year=1990, sex="nam")


@pytest.mark.parametrize("text, expected", [
    (CARD, {**AN, "old_number": "012345678"}),
    # no old number (a card issued to someone who never had a CMND): the field is empty
    ("001090012345||Nguyễn Văn An|15081990|Nam|Số 1 Phố Huế|10052021", {**AN, "old_number": ""}),
    # the old-number field left out altogether
    ("001090012345|Nguyễn Văn An|15081990|Nam|Số 1 Phố Huế|10052021", {**AN, "old_number": ""}),
    # trailing fields of newer cards, and a trailing newline from the scanner
    (CARD + "|Nguyễn Văn Bố|Trần Thị Mẹ|\r\n", {**AN, "old_number": "012345678"}),
    # other whitespace: around fields, doubled inside the name, tabs
    ("  001090012345 | 012345678 |  Nguyễn   Văn\tAn |15081990| Nam |x|y ", {**AN, "old_number": "012345678"}),
    # text in NFD (decomposed accents), as some readers give it
    (unicodedata.normalize("NFD", CARD), {**AN, "old_number": "012345678"}),
    # a scanner on another keyboard layout types «¦» for «|»
    (CARD.replace("|", "¦"), {**AN, "old_number": "012345678"}),
    # a woman, the name in capitals, a 12-digit old number
    ("079185000123|079185000999|TRẦN THỊ BÍCH|01021985|Nữ|TP HCM|01012022",
     dict(number="079185000123", old_number="079185000999", name="TRẦN THỊ BÍCH",
          birth_date=dt.date(1985, 2, 1), birth_year=1985, sex="nữ")),
    # a card whose birth is the year only
    ("001090012345||Lê Văn Tám|1990|Nam", dict(number="001090012345", old_number="", name="Lê Văn Tám",
                                                birth_date=None, birth_year=1990, sex="nam")),
    # the number alone, typed by hand
    ("001090012345", dict(number="001090012345", old_number="", name="", birth_date=None, birth_year=None, sex=None)),
    # the number with spaces between groups
    ("001 090 012 345|", dict(number="001090012345", old_number="", name="", birth_date=None, birth_year=None, sex=None)),
    # a birth date that does not exist is dropped, the rest kept
    ("001090012345||Nguyễn Văn An|31021990|Nam", dict(number="001090012345", old_number="", name="Nguyễn Văn An",
                                                     birth_date=None, birth_year=None, sex=None)),
])
def test_card_variants(text, expected):
    card = parse_id_card(text)
    assert card is not None
    assert {k: getattr(card, k) for k in expected} == expected
    assert unicodedata.is_normalized("NFC", card.name)
    assert looks_like_id_card(text)


@pytest.mark.parametrize("text", [
    "", "   ", "001", "DHCD1:3:007:abcdef012345", "Nguyễn Văn An", "12345678901|x", "1234567890123|x",
    "000000000000|", "abcdefghijkl|x|y", "001090012345x",
    "001090012345" * 200, "|||||", "\x00\x01|\x02",
])
def test_not_a_card(text):
    assert parse_id_card(text) is None


def test_not_looking_like_a_card():
    for text in ("007", "7", "DHCD1:1:001:abc", "Nguyễn An", "0123456789", "001090012345 Nguyễn"):
        assert not looks_like_id_card(text), text


def test_card_never_prints_its_number():
    card = parse_id_card(CARD)
    assert "001090012345" not in repr(card) and "012345678" not in str(card)
    assert "Số 1 Phố Huế" not in repr(vars(card)) and "10052021" not in repr(vars(card))   # address, issue date: dropped


@given(st.text(max_size=300))
@settings(max_examples=400, deadline=None)
def test_junk_never_raises(text):
    card = parse_id_card(text)
    assert card is None or (len(card.number) == 12 and card.number.isdigit())
    looks_like_id_card(text)


_NAME = st.lists(st.sampled_from(["Nguyễn", "Trần", "Văn", "Thị", "Ánh", "Hoà", "Thuỷ", "Đức", "Ngọc", "An"]),
                 min_size=1, max_size=5).map(" ".join)


@given(number=st.from_regex(r"\A0[0-9][1-9][0-3][0-9]{8}\Z"), old=st.one_of(st.just(""), st.from_regex(r"\A[0-9]{9}\Z")),
       name=_NAME, birth=st.dates(dt.date(1940, 1, 1), dt.date(2008, 12, 31)), sex=st.sampled_from(["Nam", "Nữ"]),
       nfd=st.booleans(), pad=st.sampled_from(["", " ", "  ", "\t"]), trailing=st.lists(st.text(
           alphabet=st.characters(blacklist_characters="|¦｜", blacklist_categories=("Cs",)), max_size=20), max_size=3))
@settings(max_examples=300, deadline=None)
def test_any_well_formed_card_round_trips(number, old, name, birth, sex, nfd, pad, trailing):
    fields = [number, old, name, f"{birth:%d%m%Y}", sex, "Số 1 Phố Huế", "10052021", *trailing]
    text = "|".join(f"{pad}{f}{pad}" for f in fields)
    if nfd:
        text = unicodedata.normalize("NFD", text)
    card = parse_id_card(text)
    assert card == IdCard(number=number, old_number=old if old != number else "", name=name, birth_date=birth,
                          birth_year=birth.year, sex="nam" if sex == "Nam" else "nữ")


@pytest.mark.parametrize("value, expected", [
    ("001090012345", "001090012345"), ("001 090 012 345", "001090012345"), ("001.090.012.345", "001090012345"),
    (1090012345, "001090012345"), (1090012345.0, "001090012345"), ("1090012345", "001090012345"),
    ("012345678", "012345678"), (12345678, "012345678"), ("079185000123", "079185000123"),
])
def test_roll_numbers(value, expected):
    assert normalize_id_number(value) == expected


@pytest.mark.parametrize("value", ["1.09001E+11", 1.5, "12345", "0010900123456789", "CCCD 001090012345", "000000000000",
                                   True, "001090O12345"])
def test_bad_roll_numbers_never_repeat_the_number(value):
    with pytest.raises(BadIdNumber) as err:
        normalize_id_number(value)
    assert str(value) not in str(err.value) or len(str(value)) < 4


def test_keyed_hash():
    a = id_hash("001090012345", secret="one-secret-0123456789abcdef")
    assert len(a) == 64 and "001090012345" not in a
    assert a == id_hash("001090012345", secret="one-secret-0123456789abcdef")
    assert a != id_hash("001090012345", secret="another-secret-0123456789ab")   # keyed
    assert a != id_hash("001090012346", secret="one-secret-0123456789abcdef")
    import hashlib
    assert a != hashlib.sha256(b"001090012345").hexdigest() and a != hashlib.sha256(b"cccd:001090012345").hexdigest()


def test_log_lines_lose_the_number():
    line = '127.0.0.1 - - "GET /congresses/1/checkin?q=001090012345%7C012345678%7CNguy%E1%BB%85n+V%C4%83n+An%7C15081990 HTTP/1.1" 302 -'
    cleaned = redact_id_numbers(line)
    assert "001090012345" not in cleaned and "012345678" not in cleaned and "15081990" not in cleaned
    assert "Nguy" not in cleaned and "[cccd]" in cleaned and cleaned.endswith('HTTP/1.1" 302 -')
    assert redact_id_numbers("GET /congresses/12/checkin?q=007 HTTP/1.1 200") == "GET /congresses/12/checkin?q=007 HTTP/1.1 200"
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, "scan %s", (CARD,), None)
    assert IdNumberFilter().filter(record) and "001090012345" not in record.getMessage()
