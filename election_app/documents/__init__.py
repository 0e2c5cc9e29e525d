"""documents feature."""
