"""Members, board and committees in the workspace."""
