"""The mail core: render, compose, verify, deliver through the ledger; iCalendar and iTIP."""
