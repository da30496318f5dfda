"""Everything that touches the world: SMTP, iCalendar, the database, rendering."""
