"""episodes app."""
