"""followup app."""
