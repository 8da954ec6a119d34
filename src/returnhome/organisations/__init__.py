"""organisations app."""
