"""Reading paper ballots from photos (issue 18): pure code, no Flask, no database.

- ``codes``: the corner markers (ArUco) and the sheet code (election, round, page, layout;
  never a serial: RULES §5), as drawn on the ballot and as read back;
- ``layout``: where things are on each printed page (rows, name parts, markers, code),
  measured from the very WeasyPrint layout that becomes the ballot PDF;
- ``reader``: one photo → the sheet's code and each row kept / struck / unsure, plus marks
  outside the rows. Images are processed in memory and never written anywhere.
"""
