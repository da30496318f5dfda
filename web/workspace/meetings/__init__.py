"""Meetings in the workspace: list, plan, steer, agenda editor, motions."""
