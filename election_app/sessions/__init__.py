"""Sessions (phiên họp) of a congress: add, rename, reorder, open and close them; the
attendance of each for the minutes. The table is the congress's (congress/models.py)."""
