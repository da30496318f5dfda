"""Activities of the network meeting workflow."""
