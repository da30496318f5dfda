"""The rules an agenda keeps (Dutch messages): pure, so the meeting workflows' update validators use them too."""
from collections.abc import Sequence
from typing import Protocol
from urllib.parse import urlsplit

MAX_ITEMS = 50
MAX_TITLE = 300
MAX_NUMBER = 16
MAX_PRESENTER = 200
MAX_DOCUMENTS = 20
# The keys are models.tables.meetings.ItemKind's values; domain code may not import the tables.
KIND_LABELS = {"decision": "ter besluitvorming", "discussion": "ter bespreking", "information": "ter informatie"}
KINDS = set(KIND_LABELS)


class AgendaItemFields(Protocol):
    """What the rules read of a models.messages.meeting.AgendaItemInput."""

    @property
    def number(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def presenter(self) -> str: ...
    @property
    def documents(self) -> Sequence[dict[str, str]]: ...


def validate_agenda(items: Sequence[AgendaItemFields]) -> list[str]:
    """Every problem with an agenda, in Dutch; an empty list means it may be stored."""
    if not items:
        return ["De agenda is leeg: voeg ten minste één agendapunt toe."]
    if len(items) > MAX_ITEMS:
        return [f"De agenda heeft {len(items)} punten; het maximum is {MAX_ITEMS}."]
    errors: list[str] = []
    seen: set[str] = set()
    for position, item in enumerate(items, start=1):
        label = f"Agendapunt {item.number.strip() or position}"
        errors += [f"{label}: {problem}" for problem in _item_problems(item)]
        number = item.number.strip()
        if number and number in seen:
            errors.append(f"{label}: het nummer komt vaker voor; elk agendapunt heeft een eigen nummer.")
        seen.add(number)
    return errors


def _item_problems(item: AgendaItemFields) -> list[str]:
    problems = []
    if not item.number.strip():
        problems.append("het nummer ontbreekt.")
    elif len(item.number.strip()) > MAX_NUMBER:
        problems.append(f"het nummer is langer dan {MAX_NUMBER} tekens.")
    if not item.title.strip():
        problems.append("de titel ontbreekt.")
    elif len(item.title) > MAX_TITLE:
        problems.append(f"de titel is langer dan {MAX_TITLE} tekens.")
    if item.kind not in KINDS:
        problems.append("kies ter besluitvorming, ter bespreking of ter informatie.")
    if len(item.presenter) > MAX_PRESENTER:
        problems.append(f"de naam van de inleider is langer dan {MAX_PRESENTER} tekens.")
    if len(item.documents) > MAX_DOCUMENTS:
        problems.append(f"meer dan {MAX_DOCUMENTS} documenten.")
    problems += [p for doc in item.documents[:MAX_DOCUMENTS] for p in _document_problems(doc)]
    return problems


def _document_problems(doc: dict[str, str]) -> list[str]:
    url = str(doc.get("url", "")).strip()
    title = str(doc.get("title", "")).strip()
    problems = []
    if not title:
        problems.append(f"een document zonder titel ({url or 'geen link'}).")
    elif len(title) > MAX_TITLE:
        problems.append(f"de documenttitel is langer dan {MAX_TITLE} tekens.")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        problems.append(f"de link van document '{title}' moet met http:// of https:// beginnen.")
    return problems
