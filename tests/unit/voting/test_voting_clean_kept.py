"""What a voter may send as the names kept (election_app.voting.services.clean_kept):
a list of distinct ids of this ballot, at most the seats. Table-driven."""
from __future__ import annotations

import pytest

from election_app.errors import ValidationFailed
from election_app.voting.services import clean_kept

IDS = [11, 12, 13, 14]


@pytest.mark.parametrize("kept,seats,expected", [
    ([], 2, []),
    ([12], 2, [12]),
    ([14, 11], 2, [11, 14]),                    # stored sorted
    (["13", "12"], 2, [12, 13]),                # form values are strings
    ([11, 12, 13, 14], 4, [11, 12, 13, 14]),
    ((13,), 1, [13]),
])
def test_accepted(kept, seats, expected):
    assert clean_kept(kept, candidate_ids=IDS, seats=seats) == expected


@pytest.mark.parametrize("kept,seats,field_hint", [
    ([11, 12, 13], 2, "tối đa 2"),              # more kept than seats
    ([11, 99], 2, "99"),                        # not on the ballot
    ([11, 11], 2, "lặp"),                       # twice
    ("11,12", 2, "danh sách"),
    (None, 2, "danh sách"),
    ({"11": True}, 2, "danh sách"),
    ([True], 2, "True"),
    ([1.0], 2, "1.0"),
    (["abc"], 2, "abc"),
    (["12 "], 2, ""),                           # padded strings are not ids
    ([None], 2, "None"),
])
def test_refused(kept, seats, field_hint):
    with pytest.raises(ValidationFailed) as err:
        clean_kept(kept, candidate_ids=IDS, seats=seats)
    text = err.value.message + " ".join(d["message"] for d in err.value.details)
    assert field_hint in text
    assert all(d["field"] == "kept" for d in err.value.details)
