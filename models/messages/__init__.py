"""Plain dataclasses that workflows and activities exchange (never ORM rows, no SQLAlchemy)."""
