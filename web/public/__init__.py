"""An association's public pages and forms (no login, no link token)."""
