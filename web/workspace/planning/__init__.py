"""The year planning."""
