"""Vietnamese names: normalizing, splitting, the order of RULES §4.1, duplicates."""

import unicodedata

import pytest

from election_app.rules import (
    duplicate_key,
    full_name_sort_key,
    join_name,
    name_sort_key,
    normalize_text,
    sort_people,
    split_full_name,
    word_key,
)
from election_app.rules.names import ALPHABET


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def primary_secondary(s: str):
    return word_key(s)[:2]


def by_ten(names):
    """Sort single tên values in the Vietnamese order."""
    return sorted(names, key=lambda n: name_sort_key("", "", n))


# --- normalize / split / join -------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("", ""),
        ("   ", ""),
        ("  Nguyễn   Văn\tAn  ", "Nguyễn Văn An"),
        ("Nguyễn\u00a0Văn\nAn", "Nguyễn Văn An"),
        (nfd("Trần Thị Ánh"), "Trần Thị Ánh"),
    ],
)
def test_normalize_text(raw, expected):
    result = normalize_text(raw)
    assert result == expected
    assert unicodedata.is_normalized("NFC", result)


@pytest.mark.parametrize(
    ("full", "parts"),
    [
        ("An", ("", "", "An")),
        ("Lê Lợi", ("Lê", "", "Lợi")),
        ("Nguyễn Văn An", ("Nguyễn", "Văn", "An")),
        ("Nguyễn Thị Ngọc Ánh", ("Nguyễn", "Thị Ngọc", "Ánh")),
        ("  Tôn  Nữ Thị   Minh Châu ", ("Tôn", "Nữ Thị Minh", "Châu")),
        (nfd("Phạm Thủy"), ("Phạm", "", "Thủy")),
    ],
)
def test_split_full_name(full, parts):
    assert split_full_name(full) == parts
    assert join_name(*parts) == normalize_text(full)


@pytest.mark.parametrize("empty", ["", "   ", "\t\n"])
def test_split_full_name_refuses_empty_with_vietnamese_message(empty):
    with pytest.raises(ValueError, match="Họ và tên không được để trống"):
        split_full_name(empty)


@pytest.mark.parametrize(
    ("parts", "full"),
    [
        (("Nguyễn", "Văn", "An"), "Nguyễn Văn An"),
        (("Lê", "", "Lợi"), "Lê Lợi"),
        (("", "", "An"), "An"),
        ((None, None, "An"), "An"),
        ((" Trần ", "  Thị  Mai ", " Anh"), "Trần Thị Mai Anh"),
    ],
)
def test_join_name(parts, full):
    assert join_name(*parts) == full


# --- letters and tones --------------------------------------------------------------

@pytest.mark.parametrize(("lower", "higher"), list(zip(ALPHABET, ALPHABET[1:])))
def test_letter_order_single_letters(lower, higher):
    assert word_key(lower) < word_key(higher)
    assert word_key(lower.upper()) < word_key(higher.upper())


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("a", "ă"), ("ă", "â"), ("â", "b"),
        ("d", "đ"), ("đ", "e"),
        ("e", "ê"), ("ê", "g"),
        ("o", "ô"), ("ô", "ơ"), ("ơ", "p"),
        ("u", "ư"), ("ư", "v"),
        ("y", "z"),
        ("e", "f"), ("f", "g"), ("i", "j"), ("j", "k"), ("v", "w"), ("w", "x"),
    ],
)
def test_letter_order_vietnamese_letters(lower, higher):
    assert word_key(lower) < word_key(higher)


def test_tone_order_none_huyen_hoi_nga_sac_nang():
    expected = ["Ba", "Bà", "Bả", "Bã", "Bá", "Bạ"]
    assert by_ten(list(reversed(expected))) == expected
    assert by_ten([nfd(n) for n in reversed(expected)]) == [nfd(n) for n in expected]


@pytest.mark.parametrize(
    ("lower", "higher", "why"),
    [
        ("An", "Anh", "prefix first"),
        ("Anh", "Ánh", "same letters: no tone before sắc"),
        ("Ánh", "Ba", "letters first"),
        ("Anh", "Án", "the tone of the a outranks the later letters (RULES §4.1)"),
        ("Anh", "Ạng", "a before ạ, whatever comes after"),
        ("Ang", "Anh", "same letters and tones up to g < h"),
        ("Ấn", "Bà", "â is a letter, tone is secondary"),
        ("Anh", "Ăn", "a < ă at the first letter"),
        ("Ăn", "Ân", "ă < â"),
        ("Dũng", "Đức", "d < đ"),
        ("Dương", "Đào", "d < đ beats the following letters"),
        ("Em", "Ên", "e < ê"),
        ("Ong", "Ôn", "o < ô"),
        ("Ôn", "Ơn", "ô < ơ"),
        ("Ơn", "Phúc", "ơ < p"),
        ("Uyên", "Ưng", "u < ư"),
        ("Ưng", "Vân", "ư < v"),
        ("Yến", "Zô", "z after y"),
        ("Hà", "Hải", "ha is a prefix of hai, whatever the tones"),
    ],
)
def test_word_pairs(lower, higher, why):
    assert name_sort_key("", "", lower) < name_sort_key("", "", higher), why


# RULES §4.1: letter by letter, each letter with its tone (the default, ``letter_tone``);
# CLDR ``vi`` (``cldr``, a preset option) compares tones only when the letters tie.
RULES_EXAMPLES = [
    ("Hoan", "Hòa"), ("Nghiệm", "Nghĩa"), ("Thanh", "Thái"), ("Duy", "Dũng"),
]


@pytest.mark.parametrize(("lower", "higher"), RULES_EXAMPLES)
def test_rules_examples_letter_by_letter_with_the_tone(lower, higher):
    assert name_sort_key("", "", lower) < name_sort_key("", "", higher)
    assert name_sort_key("", "", lower, order="letter_tone") < name_sort_key("", "", higher, order="letter_tone")
    assert by_ten([higher, lower]) == [lower, higher]
    assert by_ten([nfd(higher), nfd(lower)]) == [nfd(lower), nfd(higher)]


@pytest.mark.parametrize(("lower", "higher"), RULES_EXAMPLES)
def test_cldr_order_reverses_the_rules_examples(lower, higher):
    assert name_sort_key("", "", higher, order="cldr") < name_sort_key("", "", lower, order="cldr")


@pytest.mark.parametrize(
    ("lower", "higher", "why"),
    [
        ("Hoà", "Hoàn", "prefix first once the tone sits on the main vowel (hoà)"),
        ("Hòa", "Hoạch", "same letter a: huyền < nặng"),
        ("Thuỷ", "Thuý", "same letter y: hỏi < sắc"),
        ("Hoa", "Hòa", "unmarked first"),
        ("Hòa", "Hỏa", "huyền < hỏi"),
        ("Hỏa", "Hõa", "hỏi < ngã"),
        ("Hõa", "Hóa", "ngã < sắc"),
        ("Hóa", "Họa", "sắc < nặng"),
        ("Hoác", "Họa", "the tone on a (sắc < nặng) decides before the c"),
        ("Quyên", "Quý", "qu: the tone sits on y, and y comes before ý"),
        ("Quyên", "Quỳnh", "y before ỳ"),
        ("Giang", "Giàu", "gi: a before à"),
        ("Dũng", "Đa", "d < đ before any tone"),
        ("Tuấn", "Tuệ", "â < ê"),
        ("Người", "Ngưu", "ơ < u"),
        ("Thư", "Thừa", "prefix first"),
    ],
)
def test_letter_tone_pairs(lower, higher, why):
    assert name_sort_key("", "", lower) < name_sort_key("", "", higher), why


@pytest.mark.parametrize(("old", "new"), [("Hoà", "Hòa"), ("Thuỷ", "Thủy"), ("Khoẻ", "Khỏe"),
                                          ("Hoá", "Hóa"), ("Toạ", "Tọa"), ("Quý", "Qúy")])
def test_letter_tone_old_and_new_placement_are_one_spelling(old, new):
    assert name_sort_key("", "", old)[:2] == name_sort_key("", "", new)[:2]
    assert name_sort_key("", "", nfd(old))[:2] == name_sort_key("", "", new)[:2]


def test_unknown_name_order_is_refused_in_vietnamese():
    with pytest.raises(ValueError, match="Cách xếp tên"):
        name_sort_key("", "", "An", order="unicode")


def test_sort_people_follows_the_order_given():
    people = [("", "", "Hòa"), ("", "", "Hoan")]
    assert sort_people(people) == [("", "", "Hoan"), ("", "", "Hòa")]
    assert sort_people(people, order="cldr") == [("", "", "Hòa"), ("", "", "Hoan")]


def test_case_is_not_a_letter_difference():
    assert word_key("an")[:2] == word_key("AN")[:2] == word_key("An")[:2]
    assert by_ten(["Anh", "an", "Ăn", "AN"])[:2] in (["an", "AN"], ["AN", "an"])
    assert by_ten(["Anh", "an", "Ăn", "AN"])[2:] == ["Anh", "Ăn"]


def test_code_point_order_is_wrong_and_ours_is_right():
    names = ["Đức", "Ánh", "Zô", "Ơn", "Bình", "Ưng", "Dũng", "Yến", "Anh", "Uyên", "Ân", "Ăn"]
    expected = ["Anh", "Ánh", "Ăn", "Ân", "Bình", "Dũng", "Đức", "Ơn", "Uyên", "Ưng", "Yến", "Zô"]
    assert sorted(names) != expected
    assert by_ten(names) == expected


@pytest.mark.parametrize(
    ("old", "new"),
    [("Hoà", "Hòa"), ("Thuỷ", "Thủy"), ("Khoẻ", "Khỏe"), ("Hoá", "Hóa"), ("Toạ", "Tọa")],
)
def test_old_and_new_tone_placement_are_equal_in_primary_and_secondary(old, new):
    assert primary_secondary(old) == primary_secondary(new)
    assert primary_secondary(nfd(old)) == primary_secondary(new)


def test_tone_placement_does_not_hide_the_family_name():
    # Hòa and Hoà are one tên, so the họ decides: An before Nguyễn.
    people = [("Nguyễn", "", "Hòa"), ("An", "", "Hoà")]
    assert sort_people(people) == [("An", "", "Hoà"), ("Nguyễn", "", "Hòa")]


def test_different_tone_is_a_secondary_difference():
    assert word_key("Hoa")[0] == word_key("Hòa")[0]
    assert word_key("Hoa") < word_key("Hòa")


# --- whole names --------------------------------------------------------------------

@pytest.mark.parametrize(
    ("first", "second", "why"),
    [
        (("Trần", "Văn", "An"), ("An", "Văn", "Bình"), "tên decides before họ"),
        (("Lê", "Văn", "An"), ("Nguyễn", "Văn", "An"), "same tên: họ decides"),
        (("Đặng", "Văn", "An"), ("Đinh", "Văn", "An"), "same tên: họ, letter by letter"),
        (("Nguyễn", "Thị", "An"), ("Nguyễn", "Văn", "An"), "same tên and họ: tên đệm"),
        (("Nguyễn", "", "An"), ("Nguyễn", "Văn", "An"), "no tên đệm first"),
        (("Nguyễn", "Thị", "Mai"), ("Nguyễn", "Thị Ngọc", "Mai"), "shorter tên đệm first"),
        (("Trần", "", "Ba"), ("Nguyễn", "", "Bá"), "the tone of the tên counts before họ"),
        (("Dương", "", "Anh"), ("Đào", "", "Anh"), "họ with d before đ"),
    ],
)
def test_whole_name_order(first, second, why):
    assert name_sort_key(*first) < name_sort_key(*second), why


@pytest.mark.parametrize(
    ("first_year", "second_year"),
    [(1970, 1985), (1985, None), (1999, 2000)],
)
def test_birth_year_decides_identical_names_earlier_first(first_year, second_year):
    assert name_sort_key("Nguyễn", "Văn", "An", first_year) < name_sort_key(
        "Nguyễn", "Văn", "An", second_year
    )


def test_birth_year_never_beats_a_name_difference():
    assert name_sort_key("Nguyễn", "Văn", "An", 2001) < name_sort_key("Nguyễn", "Văn", "Ánh", 1950)


def test_full_name_sort_key_and_a_realistic_list():
    people = [
        ("Nguyễn Thị Ngọc Ánh", 1980),
        ("Trần Văn Đức", 1975),
        ("Lê Văn Dũng", 1990),
        ("Phạm Thị Anh", 1988),
        ("Hoàng Văn Anh", None),
        ("Hoàng Văn Anh", 1970),
        ("Võ Thị Ưng", 1985),
        ("Đỗ Văn Ơn", 1979),
        ("Bùi Thị Uyên", 1991),
        ("Ngô Quang Bình", 1968),
        ("Phan Thị Thuỷ", 1992),
        ("Lý Thị Thủy", 1993),
    ]
    ordered = sorted(people, key=lambda p: full_name_sort_key(*p))
    assert ordered == [
        ("Hoàng Văn Anh", 1970),
        ("Hoàng Văn Anh", None),
        ("Phạm Thị Anh", 1988),
        ("Nguyễn Thị Ngọc Ánh", 1980),
        ("Ngô Quang Bình", 1968),
        ("Lê Văn Dũng", 1990),
        ("Trần Văn Đức", 1975),
        ("Đỗ Văn Ơn", 1979),
        ("Lý Thị Thủy", 1993),
        ("Phan Thị Thuỷ", 1992),
        ("Bùi Thị Uyên", 1991),
        ("Võ Thị Ưng", 1985),
    ]
    nfd_people = [(nfd(n), y) for n, y in people]
    assert [(unicodedata.normalize("NFC", n), y) for n, y in sorted(
        nfd_people, key=lambda p: full_name_sort_key(*p))] == ordered


def test_sort_people_with_a_key():
    rows = [{"ho": "Trần", "dem": "", "ten": "Bình", "y": None},
            {"ho": "Lê", "dem": "Thị", "ten": "An", "y": 1990}]
    result = sort_people(rows, key=lambda r: (r["ho"], r["dem"], r["ten"], r["y"]))
    assert [r["ten"] for r in result] == ["An", "Bình"]


def test_birth_year_must_be_an_integer():
    with pytest.raises(TypeError, match="Năm sinh"):
        name_sort_key("A", "", "B", "1980")


# --- duplicates ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Nguyễn Văn Hòa", "Nguyễn Văn Hoà"),
        ("Phạm Thị Thủy", "Phạm Thị Thuỷ"),
        ("Lê Khỏe", "Lê Khoẻ"),
        ("Nguyễn Văn Hòa", "  NGUYỄN   văn  HOÀ "),
        ("Trần Thị Ánh", nfd("Trần Thị Ánh")),
        ("Nguyễn Văn Hòa", nfd("Nguyễn Văn Hoà")),
        ("Người", "người"),
    ],
)
def test_duplicate_key_same(a, b):
    assert duplicate_key(a) == duplicate_key(b)
    assert duplicate_key(a, 1980) == duplicate_key(b, 1980)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Nguyễn Văn Hòa", "Nguyễn Văn Hoa"),
        ("Trần Đức", "Trần Dức"),
        ("Lê Thị Ánh", "Lê Thị Ảnh"),
        ("Lê Thị Ân", "Lê Thị Ăn"),
        ("Nguyễn Văn An", "Nguyễn An"),
        ("Nguyễn Văn Hòa", "Nguyễn Hòa Văn"),
    ],
)
def test_duplicate_key_different(a, b):
    assert duplicate_key(a) != duplicate_key(b)


def test_duplicate_key_appends_birth_year():
    assert duplicate_key("Nguyễn Văn Hòa", 1980) != duplicate_key("Nguyễn Văn Hòa", 1981)
    assert duplicate_key("Nguyễn Văn Hòa", 1980).endswith("1980")
    assert duplicate_key("Nguyễn Văn Hòa") != duplicate_key("Nguyễn Văn Hòa", 1980)


def test_duplicate_key_is_nfc_and_readable():
    key = duplicate_key(nfd("Nguyễn Văn Hòa"))
    assert unicodedata.is_normalized("NFC", key)
    assert key == "nguyễn văn hoà"
