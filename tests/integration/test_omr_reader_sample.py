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


def test_a_tick_after_the_name_is_kept_and_flagged_and_a_steep_strike_stays_with_its_name(app):
    # a tick after a name is no strike (the row is kept, the mark shown to the board); a 15°
    # strike through the next name runs over the end of its neighbours' names, and is that
    # name's alone (before, both neighbours were put to a person)
    rng = random.Random(18)
    ballot = omr_synth.printed_ballot(app, omr_synth.ballot_data(5, rng), 77)
    rows = ballot.laid.pages[0].rows
    page = ballot.pages_rgb[0].copy()
    pen, width = (40, 40, 40), 0.6
    tick_row, struck_row = rows[0], rows[2]
    yc = sum(tick_row.text) / 2
    x = tick_row.given[1] + 5
    omr_synth._pen_line(page, [(x, yc), (x + 1.5, yc + 2), (x + 5, yc - 3)], pen, width, rng)
    yc = sum(struck_row.text) / 2
    omr_synth._strike(page, struck_row.family[0] - 4, struck_row.given[1] + 8, yc, 15.0, pen, width, rng, 0.1)
    photo = omr_synth._distort(page, rng, "clean")
    reading = {r.number: r for r in reader.read_photo(photo, ballot.lookup).rows}
    tick = reading[tick_row.number]
    assert tick.state == reader.KEPT and tick.mark and tick.reason, tick
    assert reading[struck_row.number].state == reader.STRUCK, reading[struck_row.number]
    assert all(reading[r.number].state == reader.KEPT for r in rows if r not in (tick_row, struck_row)), reading
