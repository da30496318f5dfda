"""The embedded dev stack: Temporal dev server, SMTP sink, demo data."""
