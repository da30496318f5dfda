"""The board (and committee) meeting workflow."""
