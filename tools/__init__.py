"""Checks for the shape of the code (run as `python -m tools.<name>`), not part of the app."""
