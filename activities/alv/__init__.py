"""Activities of the ALV workflow and its yearly cycle."""
