"""The general meeting (ALV) workflow and its yearly cycle."""
