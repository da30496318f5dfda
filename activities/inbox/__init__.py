"""Activities of the inbox workflow: read calendar replies and apply them."""
