"""congress feature."""
