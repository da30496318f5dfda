"""The monthly newsletter workflow."""
