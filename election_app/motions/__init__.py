"""motions feature."""
