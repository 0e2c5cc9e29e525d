"""The line reading of a name row (election_app/omr/lines.py) and how the reader combines it
with its stroke finder: struck only when both see a strike (issue 18, RULES §4.2)."""
from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from election_app.omr import lines, reader
from election_app.omr.layout import Row

K = lines.PX_PER_MM
ROW = Row(number=1, box=(15, 20, 198, 27), name_cell=(24, 20, 94, 27), text=(21, 26),
          family=(25, 40), middle=(41, 52), given=(53, 62))


def _read(draw):
    """Draw the voter's ink (mm coordinates) on a blank page strip and read the row."""
    ink = np.zeros((int(50 * K), int(120 * K)), np.uint8)
    draw(ink)
    paper = np.ones(ink.shape, bool)                     # nothing printed: every point is paper
    voter = cv2.dilate(ink, np.ones((5, 1), np.uint8)).astype(bool)
    readings, strokes, _explained = lines.classify_rows([ROW], voter, ink.astype(bool), paper,
                                                        (voter, paper))
    return readings[0], strokes


def _line(x0, y0, x1, y1, width_mm=0.5):
    return lambda img: cv2.line(img, (int(x0 * K), int(y0 * K)), (int(x1 * K), int(y1 * K)), 1,
                                max(1, int(width_mm * K)))


def test_a_line_through_the_whole_name_is_struck_at_any_angle_up_to_15_degrees():
    for angle in (0, 8, -15, 15):
        t = math.tan(math.radians(angle))
        reading, strokes = _read(_line(22, 23.5 - 21 * t, 66, 23.5 + 21 * t))
        assert reading.state == lines.STRUCK, angle
        assert strokes


def test_a_strike_through_the_family_or_middle_name_only_is_not_struck():
    assert _read(_line(24, 23.4, 40.5, 23.6))[0].state == lines.KEPT
    assert _read(_line(40.5, 23.5, 52.2, 23.5))[0].state != lines.STRUCK


def test_a_strike_through_the_given_name_only_is_put_to_a_person():
    assert _read(_line(52, 23.5, 64, 23.5))[0].state == lines.UNSURE


def test_a_circle_round_the_name_is_not_a_strike():
    def circle(img):
        cv2.ellipse(img, (int(43.5 * K), int(23.5 * K)), (int(22.5 * K), int(3.6 * K)), 0, 0, 360, 1,
                    int(0.5 * K))
    assert _read(circle)[0].state != lines.STRUCK


def test_a_line_along_the_top_of_the_letters_only_is_not_struck():
    assert _read(_line(22, 20.6, 66, 20.6))[0].state != lines.STRUCK


def test_both_readings_must_see_a_strike():
    struck = reader.RowReading(1, reader.STRUCK)
    kept = reader.RowReading(1, reader.KEPT)
    circle = reader.RowReading(1, reader.UNSURE, "Có nét khép kín quanh tên (khoanh tròn?).")
    lost = reader.RowReading(1, reader.UNSURE, "Gạch không hết họ và tên.", 0.5, 0.5)
    second_struck = lines.LineReading(1, lines.STRUCK)
    second_kept = lines.LineReading(1, lines.KEPT)
    second_unsure = lines.LineReading(1, lines.UNSURE, "Có nét cong quanh tên (khoanh tròn?).")
    assert reader.combine(struck, second_struck).state == reader.STRUCK
    assert reader.combine(struck, second_unsure).state == reader.UNSURE
    assert reader.combine(struck, second_kept).state == reader.UNSURE
    assert reader.combine(kept, second_struck).state == reader.UNSURE
    assert reader.combine(circle, second_struck).state == reader.UNSURE       # a loop: never struck
    assert reader.combine(lost, second_struck).state == reader.STRUCK         # line lost in the letters
    assert reader.combine(circle, second_kept).state == reader.KEPT
    assert reader.combine(kept, second_unsure).state == reader.KEPT
    assert reader.combine(lost, second_unsure).state == reader.UNSURE


# A short bold given name ("Hà"): its letters leave no paper to see at the middle of the line.
DENSE = Row(number=1, box=(15, 20, 198, 27), name_cell=(24, 20, 94, 27), text=(21, 26),
            family=(25, 40), middle=(41, 52), given=(53, 57))


def _read_dense(draw):
    ink = np.zeros((int(50 * K), int(120 * K)), np.uint8)
    draw(ink)
    paper = np.ones(ink.shape, bool)
    paper[int(21 * K):int(26 * K), int(53 * K):int(57 * K)] = False      # the printed letters
    voter = cv2.dilate(ink, np.ones((5, 1), np.uint8)).astype(bool)
    readings, _strokes, _explained = lines.classify_rows([DENSE], voter, ink.astype(bool) & paper, paper,
                                                         (voter, paper))
    return readings[0]


def test_a_middle_name_strike_running_into_the_space_before_a_short_given_name_is_kept():
    # RULES §4.2: a strike through only the middle name counts as not struck, even when the
    # pen runs on a little into the space before the given name
    reading = _read_dense(_line(40.5, 23.5, 53.1, 23.5))
    assert reading.state == lines.KEPT, reading
    # the same line on through the given name is a strike
    assert _read_dense(_line(22, 23.5, 60, 23.5)).state == lines.STRUCK


def test_a_circle_round_the_name_is_kept_and_its_mark_flagged():
    def circle(img):
        cv2.ellipse(img, (int(43.5 * K), int(23.5 * K)), (int(22.5 * K), int(3.6 * K)), 0, 0, 360, 1,
                    int(0.5 * K))
    reading = _read(circle)[0]
    assert reading.state == lines.KEPT and reading.mark == "circle", reading
    # a circle with a strike through the name is not "kept"
    both = _read(lambda img: (circle(img), _line(22, 23.5, 66, 23.5)(img)))[0]
    assert both.state != lines.KEPT and not both.mark
    # the reader passes the circle on as kept with its mark, for the board
    first = reader.RowReading(1, reader.UNSURE, "Hai nét song song cách xa nhau: có thể là khoanh tròn.")
    combined = reader.combine(first, reading)
    assert combined.state == reader.KEPT and combined.mark == "circle" and combined.reason


def test_a_strike_through_the_given_name_and_on_over_the_middle_name_is_struck():
    reading, _strokes = _read(_line(40.5, 23.5, 64, 23.5))
    assert reading.state == lines.STRUCK, reading
    first = reader.classify_row(ROW, [(40.5, 23.5, 64, 23.5)], False)
    assert first.state == reader.STRUCK
    assert reader.combine(first, reading).state == reader.STRUCK
    # but a line over the given name alone (often a neighbour's steep strike) goes to a person
    assert reader.classify_row(ROW, [(52.5, 23.5, 64, 23.5)], False).state == reader.UNSURE


def test_a_struck_name_with_other_ink_in_its_row_is_struck_and_the_ink_flagged():
    first = reader.classify_row(ROW, [(22, 23.5, 66, 23.5)], True)
    assert first.state == reader.STRUCK and first.mark and first.reason
    assert reader.combine(first, lines.LineReading(1, lines.KEPT)).state == reader.UNSURE
    assert reader.classify_row(ROW, [], True).state == reader.UNSURE


def test_ink_over_the_family_and_given_names_but_not_the_middle_name_is_not_struck():
    # found on a held-out photo: the top of a circle over one end of the name and its bottom
    # over the other; a strike is one line through the given name AND the part before it
    def both(img):
        _line(24, 23.5, 40.5, 23.5)(img)
        _line(52.5, 23.5, 64, 23.5)(img)
    assert _read(both)[0].state == lines.UNSURE
    # found on a held-out photo too: a line along the bottom of the letters over the middle and
    # given names (a neighbour's strike) is no strike of this name
    assert _read(_line(40.5, 25.13, 64, 25.95))[0].state != lines.STRUCK


def test_the_line_reading_decides_only_for_a_strike_seen_at_both_ends_of_the_name():
    # held-out photo (a rotated sheet): the stroke finder saw ink over half the given name and
    # none over the family name; the line reading's "struck" must not decide alone
    second_struck = lines.LineReading(1, lines.STRUCK)
    one_end = reader.RowReading(1, reader.UNSURE, "Gạch không hết họ và tên.", 0.53, 0.0)
    assert reader.combine(one_end, second_struck).state == reader.UNSURE
    both_ends = reader.RowReading(1, reader.UNSURE, "Gạch không hết họ và tên.", 0.45, 0.4)
    assert reader.combine(both_ends, second_struck).state == reader.STRUCK


def test_strokes_missing_the_middle_of_the_name_are_never_struck_by_the_line_reading_alone():
    # held-out photo (uneven light): the stroke finder saw the top and bottom of a circle, the
    # line reading a line through the name: put to a person, never "struck"
    arcs = reader.RowReading(1, reader.UNSURE, "Nét gạch không đi qua giữa tên.", 1.0, 1.0)
    assert reader.combine(arcs, lines.LineReading(1, lines.STRUCK, "", 0.93, 1.0)).state == reader.UNSURE


def test_a_stroke_shared_with_the_next_name_is_never_struck_by_the_line_reading_alone():
    # held-out photo (perspective): a neighbour's steep strike ran over this row's given name,
    # whose own strike went through the middle name only: put to a person, never "struck"
    torn = reader.RowReading(1, reader.UNSURE, "Một nét gạch đi qua cả tên này và tên bên cạnh.")
    assert reader.combine(torn, lines.LineReading(1, lines.STRUCK, "", 0.86, -1.0)).state == reader.UNSURE


# Three long names one under the other (rows 6 mm apart), for strokes that run over two of them.
ROWS3 = [Row(number=n, box=(15, 14 + 6 * n, 198, 20 + 6 * n), name_cell=(24, 14 + 6 * n, 94, 20 + 6 * n),
             text=(14.5 + 6 * n, 19.5 + 6 * n), family=(25, 45), middle=(46, 60), given=(61, 75))
         for n in (1, 2, 3)]


def _slope(x0, x1, x_mid, y_mid, deg):
    t = math.tan(math.radians(deg))
    return (x0, y_mid + (x0 - x_mid) * t, x1, y_mid + (x1 - x_mid) * t)


def test_a_steep_strike_over_the_end_of_the_next_name_belongs_to_the_name_it_crosses_halfway():
    # row 2's text is 26.5–31.5 mm (middle 29); a 15° strike through its middle runs on over
    # the given name of row 1 (whose middle is 6 mm away): row 2's, not torn between the two
    steep = _slope(22, 78, 50, 29, -15)
    foreign: dict = {}
    assigned, torn = reader.assign_strokes(ROWS3, [steep], foreign)
    assert reader._crossing(steep, ROWS3[0]) >= 0.4 * reader._crossing(steep, ROWS3[1])    # shared
    assert not torn and assigned == {2: [steep]} and foreign == {1: [steep], 3: [steep]}
    assert reader.classify_row(ROWS3[1], assigned[2], False).state == reader.STRUCK
    # a line halfway between the two names is still torn between them (put to a person)
    assert reader.assign_strokes(ROWS3, [_slope(22, 78, 50, 26, -15)])[1] == {1, 2}
    # a piece of that strike found apart (through no name, on its line) is explained by it
    piece = _slope(79, 88, 50, 29, -15)
    assigned, torn = reader.assign_strokes(ROWS3, [steep, piece])
    assert not torn and assigned == {2: [steep]}


def test_a_struck_name_with_a_stroke_along_one_side_is_struck_and_flagged_but_not_with_both():
    row = ROWS3[1]                                   # text 26.5–31.5 mm, middle 29
    strike = (22, 29.1, 78, 28.8)
    top = (38, 26.5, 56, 26.4)                       # the end of a neighbour's circle over the letters
    first = reader.classify_row(row, [strike, top], False)
    assert first.state == reader.STRUCK and first.mark == "ink" and first.reason
    # strokes along the top AND the bottom (the arcs of a circle): put to a person
    bottom = (36, 31.3, 58, 31.4)
    assert reader.classify_row(row, [strike, top, bottom], False).state == reader.UNSURE
    # the "strike" along the top of the letters with ink below it (a flat circle): a person decides
    assert reader.classify_row(row, [(22, 27.6, 78, 27.6), bottom], False).state == reader.UNSURE


def test_a_double_strike_is_struck_by_the_line_reading_not_taken_for_a_circle():
    def double(img):
        _line(22, 22.6, 66, 22.6, 0.6)(img)          # one line high in the letters (1 mm off the middle)
        _line(23, 24.9, 65, 24.9, 0.6)(img)          # the second along it, low in the letters
    reading = _read(double)[0]
    assert reading.state == lines.STRUCK, reading
    # the top and bottom of a flat circle, curved, are no second line: not struck
    def arcs(img):
        cv2.ellipse(img, (int(43.5 * K), int(23.5 * K)), (int(22.5 * K), int(2.2 * K)), 0, 0, 360, 1,
                    int(0.5 * K))
    assert _read(arcs)[0].state != lines.STRUCK


TALL = Row(number=1, box=(15, 18, 198, 29), name_cell=(24, 18, 94, 29), text=(21, 26),
           family=(25, 40), middle=(41, 52), given=(53, 62))


def test_a_circle_with_its_bottom_hidden_is_kept_only_when_the_middle_of_the_name_is_free():
    def half_hidden(img):
        cv2.ellipse(img, (int(43.5 * K), int(23.5 * K)), (int(22.5 * K), int(3.6 * K)), 0, 0, 360, 1,
                    int(0.5 * K))
        img[int(25.6 * K):int(28 * K), int(30 * K):int(57 * K)] = 0     # its bottom hidden (under a rule)

    def read(draw):
        ink = np.zeros((int(50 * K), int(120 * K)), np.uint8)
        draw(ink)
        paper = np.ones(ink.shape, bool)
        voter = cv2.dilate(ink, np.ones((5, 1), np.uint8)).astype(bool)
        return lines.classify_rows([TALL], voter, ink.astype(bool), paper, (voter, paper))[0][0]
    reading = read(half_hidden)
    assert reading.state == lines.KEPT and reading.mark == "circle", reading
    # the same with a strike through the middle of the letters is never kept
    assert read(lambda img: (half_hidden(img), _line(22, 23.5, 66, 23.5)(img))).state != lines.KEPT


# Two names one under the other, rows 6 mm apart: a long one with a short given name (Vy, Hà)
# over a shorter one.
SHORT2 = [Row(number=1, box=(15, 20, 198, 26), name_cell=(24, 20, 94, 26), text=(20.5, 25.5),
              family=(25, 33), middle=(34, 58), given=(59, 64)),
          Row(number=2, box=(15, 26, 198, 32), name_cell=(24, 26, 94, 32), text=(26.5, 31.5),
              family=(25, 31), middle=(32, 38), given=(39, 50))]


def _read_two(draws):
    ink = np.zeros((int(50 * K), int(120 * K)), np.uint8)
    for draw in draws:
        draw(ink)
    paper = np.ones(ink.shape, bool)
    voter = cv2.dilate(ink, np.ones((5, 1), np.uint8)).astype(bool)
    return lines.classify_rows(SHORT2, voter, ink.astype(bool), paper, (voter, paper))[0]


def test_a_middle_name_strike_never_borrows_a_neighbours_steep_strike_to_reach_the_given_name(monkeypatch):
    # held-out photo (seed 20261202, ballot 943, row 44): the tên đệm struck, and the next name's
    # steep strike ran on over this short given name; the line through both read it "struck"
    middle_only = _line(33.5, 23.0, 57.0, 23.0)
    steep = _line(*_slope(22, 66, 61.5, 23.0, -12))     # row 2's strike, on over row 1's given name
    first, second = _read_two([middle_only, steep])
    assert first.state != lines.STRUCK, first
    assert first.reason == lines.SHARED_STROKE
    # it is the neighbour's line that is left out: without that check the row was read struck
    monkeypatch.setattr(lines, "_borrowed", lambda *a: False)
    assert _read_two([middle_only, steep])[0].state == lines.STRUCK
    monkeypatch.undo()
    # a strike of its own through the whole name, crossed by the neighbour's line over the
    # middle name, stays struck; crossed right over the short given name, a person decides
    whole = _line(24.5, 23.0, 64.5, 23.0)
    assert _read_two([whole, _line(*_slope(22, 66, 20, 29.3, -12))])[0].state == lines.STRUCK
    assert _read_two([whole, steep])[0].state == lines.UNSURE


def test_a_photo_off_the_clean_page_is_refused_not_read():
    # seed 20261203, ballot 810, page 2: straightened 3–6 px off the clean page, the letters'
    # own edges looked like a line along a blank name, read struck by both readings
    from election_app.omr.layout import PageLayout
    rows = [Row(number=n, box=(15, 14 + 8 * n, 198, 22 + 8 * n), name_cell=(24, 14 + 8 * n, 94, 22 + 8 * n),
                text=(15.5 + 8 * n, 20.5 + 8 * n), family=(25, 40), middle=(41, 52), given=(53, 62))
             for n in range(1, 8)]
    page = PageLayout(page=1, size=(210, 297), rows=rows)
    reference = np.full((int(297 * K), int(210 * K)), 255, np.uint8)
    rng = np.random.default_rng(3)
    for r in rows:                                   # letters: blocks of ink of varied widths
        x = r.family[0]
        while x < r.given[1]:
            w = float(rng.uniform(0.4, 1.6))
            cv2.rectangle(reference, (int(x * K), int(r.text[0] * K)), (int((x + w) * K), int(r.text[1] * K)), 0, -1)
            x += w + float(rng.uniform(0.3, 1.2))
    def photo(dx, dy):
        moved = np.roll(np.roll(reference, dy, axis=0), dx, axis=1).astype(np.float32)
        return moved / 255.0
    reader.check_registration(photo(0, 0), reference, page)
    reader.check_registration(photo(1, -1), reference, page)      # within half a millimetre
    with pytest.raises(reader.ReadError, match="không khớp với mẫu"):
        reader.check_registration(photo(5, 3), reference, page)
    with pytest.raises(reader.ReadError):
        reader.check_registration(photo(0, 4), reference, page)
