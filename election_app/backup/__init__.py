"""Backups of a congress: export/import (``services``), the files under instance/backups/
written automatically before a round closes, during the day and at its end (``files``), and
the admin's page to download them (``views``)."""
