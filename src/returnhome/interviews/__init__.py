"""interviews app."""
