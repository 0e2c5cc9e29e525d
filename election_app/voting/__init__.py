"""voting feature."""
