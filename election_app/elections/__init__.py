"""elections feature."""
