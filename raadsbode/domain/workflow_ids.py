"""Workflow ids: one meeting, one workflow `meeting-<id>`, whichever of the meeting workflows runs it.

Pure, because the ALV cycle workflow names its child with it and services start and find workflows by it.
"""


def meeting_workflow_id(meeting_id: int) -> str:
    return f"meeting-{meeting_id}"
