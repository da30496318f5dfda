"""Use cases shared by the CLI and the web (start, reschedule, cancel, import, subscribe ...)."""
