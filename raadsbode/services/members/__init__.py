"""Member import from a secretary's spreadsheet."""
