"""Activities of the board meeting workflow (and what the ALV and network ones share)."""
