"""Search attributes so a colleague finds a workflow in the Temporal UI by association or meeting."""
from temporalio.common import SearchAttributeKey

ASSOCIATION = SearchAttributeKey.for_keyword("RaadsbodeAssociation")
MEETING_ID = SearchAttributeKey.for_int("RaadsbodeMeetingId")
SEARCH_ATTRIBUTES = [ASSOCIATION, MEETING_ID]
