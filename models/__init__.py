"""SQLModel tables (models.tables) and, apart from them, plain dataclasses (models.messages.mail)."""
