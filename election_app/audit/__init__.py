"""audit: the append-only, hash-chained log of every staff action (who, which congress, when,
the action, its input without secrets or ballot contents, its outcome)."""
from .services import audit_note, record_audit, verify_chains  # noqa: F401
