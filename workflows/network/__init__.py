"""The network meeting workflow."""
