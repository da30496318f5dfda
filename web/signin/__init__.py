"""Staff sign-in by emailed link."""
