"""The newsletter in the workspace: issues, posts, subscribers."""
