"""Admin pages: staff, association settings, venues, durations."""
