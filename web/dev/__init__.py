"""Dev-only pages (the outbox)."""
