"""The newsletter: issues, content, steering the workflow, subscribers, feeds."""
