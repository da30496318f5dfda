"""Database reads and writes shared by services, activities and web."""
