"""delegates feature."""
