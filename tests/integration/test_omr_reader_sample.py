"""A modest, fixed sample of synthetic phone photos (tests/omr_synth.py, from the real ballot
PDF) read by the camera reader: every photo is found and its code read, under every
distortion; on this fixed sample no row is read wrong without being put to a person. The full
accuracy run is ``python -m bench omr`` (bench/results/omr.json). The bar for rows read right
here (88 %; 92 of 104 rows measured) is the reader's level on this sample, NOT the issue's
target of 99.5 %: see README."""
from __future__ import annotations

import random

from election_app.omr import reader
from tests import omr_synth


def test_sample_of_synthetic_photos(app):
    rng = random.Random(1806)
    ballots = [omr_synth.printed_ballot(app, omr_synth.ballot_data(n, rng), 40 + n) for n in (5, 8)]
    rows = right = unsure = wrong = 0
    for i in range(16):
        ballot = ballots[i % 2]
        distortion = omr_synth.DISTORTIONS[i % len(omr_synth.DISTORTIONS)]
        photos, truth, _kinds = omr_synth.photograph(ballot, rng, distortion)
        reading = reader.read_photo(photos[0], ballot.lookup)          # found, code read: no ReadError
        assert reading.code.election == ballot.election_id and reading.code.page == 1
        assert [r.number for r in reading.rows] == sorted(truth)
        for r in reading.rows:
            rows += 1
            if r.state == reader.UNSURE:
                unsure += 1
                assert r.reason                                           # said why, for the board
            elif r.state == truth[r.number]:
                right += 1
            else:
                wrong += 1
    assert rows == 8 * 13
    assert wrong == 0, (right, unsure, wrong)                    # never wrong without a flag
    assert right >= 0.88 * rows, (right, unsure, wrong)


def test_surname_only_strike_is_not_struck_and_a_full_strike_is():
    from election_app.omr.layout import Row
    row = Row(number=1, box=(15, 60, 198, 67), name_cell=(24, 60, 94, 67), text=(61, 66),
              family=(25, 40), middle=(41, 52), given=(53, 62))
    assert reader.classify_row(row, [(24, 63.5, 41, 63.2)], False).state == reader.KEPT
    assert reader.classify_row(row, [(40, 63.5, 52, 63.2)], False).state == reader.KEPT
    assert reader.classify_row(row, [(23, 64.5, 66, 62.5)], False).state == reader.STRUCK
    # through the given name and on over the middle name: struck (only họ/tên đệm alone is not)
    assert reader.classify_row(row, [(45, 63.5, 66, 63.2)], False).state == reader.STRUCK
    assert reader.classify_row(row, [(52.5, 63.5, 66, 63.2)], False).state == reader.UNSURE  # tên alone
    assert reader.classify_row(row, [], True).state == reader.UNSURE                        # a stray mark
