"""Properties of the rules that must hold for every input (hypothesis)."""

import unicodedata
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from election_app.rules import (
    DEFECT_REASONS,
    RulePreset,
    count_votes,
    decide_round,
    duplicate_key,
    full_name_sort_key,
    join_name,
    judge_ballot,
    name_sort_key,
    normalize_text,
    passes,
    percent,
    quorum_met,
    quorum_needed,
    reconcile,
    split_full_name,
    letter_tone_key,
    word_key,
)
from election_app.rules.names import TONE_MARKS

FAST = settings(max_examples=80, deadline=None)
SLOW = settings(max_examples=40, deadline=None)  # each example sorts a whole list

# --- names --------------------------------------------------------------------------

LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
VOWELS = set("aăâeêioôơuưy")
TONES = list(TONE_MARKS)


@st.composite
def words(draw):
    """A Vietnamese-looking word: letters, maybe capitalised, maybe one tone on a vowel."""
    letters = draw(st.lists(st.sampled_from(LETTERS), min_size=1, max_size=6))
    text = "".join(letters)
    if draw(st.booleans()):
        text = text.capitalize()
    vowel_positions = [i for i, ch in enumerate(letters) if ch in VOWELS]
    if vowel_positions and draw(st.booleans()):
        where = draw(st.sampled_from(vowel_positions))
        tone = draw(st.sampled_from(TONES))
        text = text[: where + 1] + tone + text[where + 1:]
    return unicodedata.normalize("NFC", text)


full_names = st.lists(words(), min_size=1, max_size=5).map(" ".join)
birth_years = st.none() | st.integers(min_value=1940, max_value=2010)


def nfd(s):
    return unicodedata.normalize("NFD", s)


def move_tone(word, rnd):
    """The same word with its tone(s) moved to another vowel (old/new placement)."""
    decomposed = nfd(word)
    tones = [ch for ch in decomposed if ch in TONE_MARKS]
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in TONE_MARKS))
    positions = [i for i, ch in enumerate(bare) if ch.lower() in VOWELS]
    if not tones or not positions:
        return word
    where = rnd.choice(positions)
    return unicodedata.normalize("NFC", bare[: where + 1] + "".join(tones) + bare[where + 1:])


@FAST
@given(full_names, birth_years)
def test_sort_key_is_the_same_for_nfc_and_nfd(name, year):
    assert full_name_sort_key(nfd(name), year) == full_name_sort_key(name, year)


@FAST
@given(full_names, full_names, birth_years, birth_years)
def test_sort_key_is_a_total_order(a, b, year_a, year_b):
    ka, kb = full_name_sort_key(a, year_a), full_name_sort_key(b, year_b)
    # exactly one of <, ==, > and equality only for the same name and year
    assert (ka < kb) + (ka == kb) + (ka > kb) == 1
    assert (ka == kb) == (normalize_text(a) == normalize_text(b) and year_a == year_b)


@SLOW
@given(st.lists(st.tuples(full_names, birth_years), max_size=8), st.randoms())
def test_sorting_does_not_depend_on_input_order_or_normal_form(people, rnd):
    expected = sorted(people, key=lambda p: full_name_sort_key(*p))
    shuffled = list(people)
    rnd.shuffle(shuffled)
    shuffled = [(nfd(n) if rnd.random() < 0.5 else n, y) for n, y in shuffled]
    result = sorted(shuffled, key=lambda p: full_name_sort_key(*p))
    assert [(unicodedata.normalize("NFC", n), y) for n, y in result] == expected


@FAST
@given(words(), words())
def test_letters_decide_before_tones(a, b):
    pa, pb = word_key(a)[0], word_key(b)[0]
    if pa != pb:
        assert (word_key(a) < word_key(b)) == (pa < pb)
        assert (name_sort_key("", "", a, order="cldr") < name_sort_key("", "", b, order="cldr")) == (pa < pb)


@FAST
@given(full_names, birth_years, st.randoms())
def test_tone_placement_never_matters(name, year, rnd):
    moved = " ".join(move_tone(w, rnd) for w in name.split(" "))
    for original, other in zip(split_full_name(name), split_full_name(moved)):
        assert word_key(original)[:2] == word_key(other)[:2]
        assert letter_tone_key(original)[:2] == letter_tone_key(other)[:2]
    assert full_name_sort_key(moved, year)[:7] == full_name_sort_key(name, year)[:7]
    assert duplicate_key(moved, year) == duplicate_key(name, year)
    assert duplicate_key(nfd(name).upper(), year) == duplicate_key(name, year)


# RULES §4.1 on random names, against an independent reading of the rule: syllables with a
# single vowel carrying the tone (no question of placement), compared letter by letter as
# (place in the alphabet, tone: none < huyền < hỏi < ngã < sắc < nặng).
ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gh", "h", "k", "kh", "l", "m", "n", "ng", "nh", "p",
          "ph", "r", "s", "t", "th", "tr", "v", "x"]
NUCLEI = list("aăâeêioôơuưy")
CODAS = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"]
TONE_ORDER = [""] + TONES          # none, huyền, hỏi, ngã, sắc, nặng (TONE_MARKS order)


@st.composite
def syllables(draw):
    onset, nucleus, coda = draw(st.sampled_from(ONSETS)), draw(st.sampled_from(NUCLEI)), draw(st.sampled_from(CODAS))
    tone = draw(st.integers(min_value=0, max_value=5))
    oracle = tuple((LETTERS.index(ch), tone if ch == nucleus and i == len(onset) else 0)
                   for i, ch in enumerate(onset + nucleus + coda))
    text = unicodedata.normalize("NFC", onset + nucleus + TONE_ORDER[tone] + coda)
    return (draw(st.booleans()) and text.capitalize() or text), oracle


@st.composite
def oracle_people(draw):
    ho, dem, ten = draw(syllables()), draw(st.lists(syllables(), max_size=2)), draw(syllables())
    name = " ".join([ho[0], *(d[0] for d in dem), ten[0]])
    return name, (ten[1], ho[1], tuple(d[1] for d in dem))


@FAST
@given(oracle_people(), oracle_people())
def test_letter_tone_order_follows_rules_4_1(a, b):
    (name_a, oracle_a), (name_b, oracle_b) = a, b
    ka, kb = full_name_sort_key(name_a), full_name_sort_key(name_b)
    if oracle_a != oracle_b:
        assert (ka < kb) == (oracle_a < oracle_b), (name_a, name_b)
    else:
        assert ka[:7] == kb[:7]   # only letter case may differ


@SLOW
@given(st.lists(oracle_people(), max_size=10), st.randoms())
def test_letter_tone_sorts_lists_as_the_rule_does(people, rnd):
    shuffled = list(people)
    rnd.shuffle(shuffled)
    ours = [o for _, o in sorted(shuffled, key=lambda p: full_name_sort_key(nfd(p[0]) if rnd.random() < 0.5 else p[0]))]
    assert ours == sorted(o for _, o in people)


@FAST
@given(full_names, full_names, full_names, st.sampled_from(["letter_tone", "cldr"]))
def test_both_name_orders_are_transitive(a, b, c, order):
    ka, kb, kc = (full_name_sort_key(x, order=order) for x in (a, b, c))
    if ka <= kb and kb <= kc:
        assert ka <= kc
    assert (ka < kb) + (ka == kb) + (ka > kb) == 1


@FAST
@given(full_names)
def test_split_join_round_trip(name):
    ho, ten_dem, ten = split_full_name(name)
    assert join_name(ho, ten_dem, ten) == normalize_text(name)
    assert ten == name.split(" ")[-1]
    assert " " not in ho and " " not in ten
    assert split_full_name(join_name(ho, ten_dem, ten)) == (ho, ten_dem, ten)


# --- ballots, counts and decisions --------------------------------------------------

@st.composite
def rounds(draw):
    """(candidate ids, seats, verdicts) for a round counted from real ballots."""
    n = draw(st.integers(min_value=1, max_value=7))
    candidates = [f"c{i}" for i in range(n)]
    seats = draw(st.integers(min_value=1, max_value=n))
    ballots = draw(st.lists(
        st.tuples(
            st.sets(st.sampled_from(candidates)),
            st.sampled_from([None] * 5 + sorted(DEFECT_REASONS)),
        ),
        max_size=40,
    ))
    verdicts = [judge_ballot(kept, candidates, seats, defect=defect) for kept, defect in ballots]
    return candidates, seats, verdicts


def check_decision(decision, votes, seats, returned):
    elected, tied, passed = set(decision.elected), set(decision.tied), set(decision.passed)
    assert len(decision.elected) <= seats
    assert decision.seats_left == seats - len(decision.elected)
    assert elected | tied <= passed
    assert not elected & tied
    assert bool(decision.tied) == (decision.outcome == "tie")
    assert all(passes(votes[c], returned) for c in decision.elected)
    assert passed == {c for c in votes if passes(votes[c], returned)}
    assert (decision.outcome == "insufficient") == (len(passed) < seats)
    if decision.outcome == "complete":
        assert len(elected) == seats
    if decision.outcome == "tie":
        tie_votes = {votes[c] for c in tied}
        assert len(tie_votes) == 1
        assert len(elected) < seats < len(elected) + len(tied)
        assert all(votes[c] > min(tie_votes) for c in elected)
    # nobody left out has as many votes as someone elected or tied
    left_out = set(votes) - elected - tied
    for c in left_out:
        assert all(votes[c] < votes[e] for e in elected | tied)


@FAST
@given(rounds(), st.randoms())
def test_shuffling_ballots_changes_nothing(round_, rnd):
    candidates, seats, verdicts = round_
    count = count_votes(verdicts, candidates)
    shuffled = list(verdicts)
    rnd.shuffle(shuffled)
    assert count_votes(shuffled, candidates) == count
    decision = decide_round(count.votes, seats, count.returned)
    reordered = dict(sorted(count.votes.items(), key=lambda _: rnd.random()))
    assert decide_round(reordered, seats, count.returned) == decision


@FAST
@given(rounds())
def test_counts_reconcile_and_decisions_hold(round_):
    candidates, seats, verdicts = round_
    count = count_votes(verdicts, candidates)
    assert count.returned == len(verdicts) == count.valid + count.invalid
    assert sum(count.invalid_by_reason.values()) == count.invalid
    assert all(0 <= v <= count.valid for v in count.votes.values())
    assert sum(count.votes.values()) <= count.valid * seats
    assert reconcile(
        issued=count.returned, returned=count.returned, valid=count.valid,
        invalid=count.invalid, votes=count.votes, seats=seats,
    ) == []
    check_decision(decide_round(count.votes, seats, count.returned),
                   count.votes, seats, count.returned)


@st.composite
def vote_tables(draw):
    returned = draw(st.integers(min_value=0, max_value=60))
    n = draw(st.integers(min_value=1, max_value=10))
    votes = {i: draw(st.integers(min_value=0, max_value=returned)) for i in range(n)}
    seats = draw(st.integers(min_value=1, max_value=n + 2))
    return votes, seats, returned


@FAST
@given(vote_tables())
def test_decisions_hold_for_any_vote_table(table):
    votes, seats, returned = table
    check_decision(decide_round(votes, seats, returned), votes, seats, returned)


@FAST
@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6))
def test_passes_is_exactly_more_than_half(votes, returned):
    votes = min(votes, returned)
    expected = returned > 0 and Fraction(votes, returned) > Fraction(1, 2)
    assert passes(votes, returned) is expected


@FAST
@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=10**9))
def test_percent_is_in_range_and_exact(votes, returned):
    votes = votes % (returned + 1)
    result = percent(votes, returned)
    assert 0 <= result <= 100
    assert result.as_tuple().exponent == -2
    exact = Fraction(votes * 100, returned)
    # half-up to the cent: exact − ½ cent < result ≤ exact + ½ cent
    assert -Fraction(1, 200) < Fraction(result) - exact <= Fraction(1, 200)


# --- quorum -------------------------------------------------------------------------

presets = st.builds(
    lambda num, extra: RulePreset(code="p", title="Thử", quorum_num=num, quorum_den=num + extra),
    st.integers(min_value=1, max_value=9),
    st.integers(min_value=0, max_value=9),
)


@FAST
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000),
       presets)
def test_quorum_is_monotone_in_present(present, summoned, preset):
    if quorum_met(present, summoned, preset):
        assert quorum_met(present + 1, summoned, preset)


@FAST
@given(st.integers(min_value=1, max_value=100_000), presets)
def test_quorum_needed_is_the_minimum(summoned, preset):
    needed = quorum_needed(summoned, preset)
    assert quorum_met(needed, summoned, preset)
    assert needed == 0 or not quorum_met(needed - 1, summoned, preset)
    assert Fraction(needed, summoned) >= Fraction(preset.quorum_num, preset.quorum_den)


@FAST
@given(st.lists(st.integers(1, 12), max_size=14), st.integers(1, 12), st.integers(1, 8),
       st.sampled_from([None, *DEFECT_REASONS]))
def test_a_judge_for_the_round_is_judge_ballot(kept, size, seats, defect):
    """Issue 17: the round's judge (list checked once) gives judge_ballot's verdict or error."""
    from election_app.rules import BallotJudge

    listed = list(range(1, size + 1))
    try:
        expected = judge_ballot(kept, listed, seats, defect)
    except ValueError as err:          # BallotError is a ValueError
        expected = (type(err), str(err))
    try:
        got = BallotJudge(listed, seats)(iter(kept), defect)
    except ValueError as err:
        got = (type(err), str(err))
    assert got == expected


@FAST
@given(st.lists(st.lists(st.integers(1, 9), unique=True, max_size=9), max_size=40), st.integers(1, 9))
def test_count_votes_is_a_plain_count(ballots, seats):
    """The C-speed count gives, for every name, the number of valid ballots keeping it."""
    listed = list(range(1, 10))
    verdicts = [judge_ballot(k, listed, seats) for k in ballots]
    count = count_votes(verdicts, listed)
    for c in listed:
        assert count.votes[c] == sum(1 for v in verdicts if v.valid and c in v.kept)
    assert count.valid + count.invalid == count.returned == len(ballots)


@FAST
@given(st.lists(st.one_of(st.lists(st.integers(0, 11), max_size=12),
                          st.lists(st.integers(1, 10), unique=True, max_size=10),
                          st.tuples(st.integers(1, 10), st.integers(1, 10)),
                          st.lists(st.sampled_from([1, True, 2, 2.0]), max_size=3)), max_size=30),
       st.integers(1, 10), st.integers(1, 9))
def test_count_ballots_is_count_votes_of_each_verdict(ballots, size, seats):
    """Issue 17: the fast count of electronic ballots (no set, no verdict per ballot) gives
    exactly the reference count — judge_ballot on each ballot, then count_votes — or the
    same error at the same ballot (a name not on the list, a name kept twice)."""
    from election_app.rules import count_ballots

    listed = list(range(1, size + 1))
    try:
        expected = count_votes([judge_ballot(k, listed, seats) for k in ballots], listed)
    except ValueError as err:
        expected = (type(err), str(err))
    try:
        got = count_ballots(ballots, listed, seats)
    except ValueError as err:
        got = (type(err), str(err))
    assert got == expected
