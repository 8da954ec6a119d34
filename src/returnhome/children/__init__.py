"""children app."""
