"""Counting paper ballots by camera (issue 18): the board's reading page. Photos are read
in memory by ``omr.reader`` and dropped; an accepted reading is typed into the existing
paper-entry service as one team's entry, so the comparison of teams works unchanged."""
