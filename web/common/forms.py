"""Parsing and checking of the link-page forms: agenda, minutes, sign-off decision, registration.

Everything a person typed is kept (rows, comment) so a form with errors comes back filled in.
Messages are Dutch and are shown next to the field they concern.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from models.messages.meeting import AgendaItemInput
from raadsbode.domain.agenda import validate_agenda
from raadsbode.domain.header_text import header_text_problem
from raadsbode.domain.vocabulary import BOARD_RESPONSES
DECISIONS = ("approve", "request_changes")
MAX_FORM_ROWS = 60  # validate_agenda allows 50 items; a few blank rows on top
EMPTY_ROWS = 3
MAX_COMMENT = 2000
MAX_MINUTES = 100_000
MAX_DECISIONS = 200
MAX_DECISION_LEN = 1000


@dataclass
class AgendaRow:
    """One row of the agenda form, as typed (documents: one "titel | https://..." per line)."""

    number: str = ""
    title: str = ""
    kind: str = "information"
    presenter: str = ""
    documents: str = ""
    errors: list[str] = field(default_factory=list)

    def is_blank(self) -> bool:
        return not (self.number or self.title or self.presenter or self.documents)


def field_text(form: Mapping, name: str, limit: int = 20_000) -> str:
    """A form value as stripped text; over-long input is cut (the checks report the real limits)."""
    value = form.get(name, "")
    return value.strip()[:limit] if isinstance(value, str) else ""


def header_field_error(value: str, label: str) -> str:
    """The Dutch error for a typed value that may reach a mail header (a name, title, subject, address) but
    breaks the rule of raadsbode/domain/header_text.py; "" when it is fine. Lengths stay each form's own check."""
    problem = header_text_problem(value, max_length=None)
    return f"{label} {problem}." if problem else ""


def check_header_fields(values: Mapping, errors: dict, labels: Mapping[str, str]) -> None:
    """Put header_field_error on every field named in `labels` (field name -> Dutch label) that has no error yet."""
    for name, label in labels.items():
        error = header_field_error(str(values.get(name, "") or ""), label)
        if error and name not in errors:
            errors[name] = error


def row_count(form: Mapping, maximum: int) -> int:
    """How many rows a form with numbered fields says it has (its hidden `row_count`), between 0 and `maximum`."""
    try:
        return min(max(int(field_text(form, "row_count", 4)), 0), maximum)
    except ValueError:
        return 0


def rows_from_items(items: list[AgendaItemInput], extra: int = EMPTY_ROWS) -> list[AgendaRow]:
    rows = [
        AgendaRow(number=i.number, title=i.title, kind=i.kind, presenter=i.presenter,
                  documents="\n".join(f"{d.get('title', '')} | {d.get('url', '')}" for d in i.documents))
        for i in items
    ]
    return rows + [AgendaRow() for _ in range(extra)]


def rows_from_form(form: Mapping) -> list[AgendaRow]:
    return [
        AgendaRow(number=field_text(form, f"number_{i}", 40), title=field_text(form, f"title_{i}", 1000),
                  kind=field_text(form, f"kind_{i}", 40), presenter=field_text(form, f"presenter_{i}", 400),
                  documents=field_text(form, f"documents_{i}", 10_000))
        for i in range(row_count(form, MAX_FORM_ROWS))
    ]


def parse_documents(text: str) -> tuple[list[dict[str, str]], list[str]]:
    """Lines "titel | https://..." (or a bare URL) -> [{"title", "url"}], with Dutch errors."""
    documents, errors = [], []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        title, sep, url = line.rpartition("|")
        if not sep:
            title, url = line, line
        title, url = title.strip() or url.strip(), url.strip()
        if " " in url or not url:
            errors.append(f"Document '{line[:80]}': schrijf één document per regel als 'titel | https://...'.")
            continue
        documents.append({"title": title, "url": url})
    return documents, errors


def _item_from_row(row: AgendaRow) -> AgendaItemInput:
    documents, errors = parse_documents(row.documents)
    row.errors.extend(errors)
    return AgendaItemInput(number=row.number, title=row.title, kind=row.kind, presenter=row.presenter,
                           documents=documents)


def agenda_from_rows(rows: list[AgendaRow]) -> tuple[list[AgendaItemInput], list[str]]:
    """Items from the filled-in rows; row errors are put on the rows, whole-agenda errors returned."""
    filled = [row for row in rows if not row.is_blank()]
    items = []
    for row in filled:
        item = _item_from_row(row)
        # The same rules the workflow's validator applies, per row so the message sits at the row
        # (without its "Agendapunt n: " label, which would be redundant there).
        row.errors.extend(problem.partition(": ")[2] or problem for problem in validate_agenda([item]))
        items.append(item)
    if not items:
        return [], validate_agenda([])
    if any(row.errors for row in filled):
        return items, ["Verbeter de gemarkeerde regels."]
    return items, validate_agenda(items)


@dataclass
class MinutesForm:
    text: str = ""
    decisions: str = ""  # one decision per line
    errors: list[str] = field(default_factory=list)

    def decision_list(self) -> list[str]:
        return [line.strip() for line in self.decisions.splitlines() if line.strip()]


def minutes_from_form(form: Mapping) -> MinutesForm:
    minutes = MinutesForm(text=field_text(form, "minutes_text", MAX_MINUTES + 1),
                          decisions=field_text(form, "decisions", 300_000))
    if not minutes.text:
        minutes.errors.append("Het verslag is leeg.")
    elif len(minutes.text) > MAX_MINUTES:
        minutes.errors.append(f"Het verslag is te lang (hoogstens {MAX_MINUTES} tekens).")
    decisions = minutes.decision_list()
    if len(decisions) > MAX_DECISIONS:
        minutes.errors.append(f"Te veel besluiten (hoogstens {MAX_DECISIONS}).")
    if any(len(d) > MAX_DECISION_LEN for d in decisions):
        minutes.errors.append(f"Een besluit is te lang (hoogstens {MAX_DECISION_LEN} tekens per regel).")
    return minutes


def decision_from_form(form: Mapping) -> tuple[str, str, str | None]:
    """(decision, comment, error): a request for changes needs a comment saying what to change."""
    decision = field_text(form, "decision", 40)
    comment = field_text(form, "comment", MAX_COMMENT + 1)
    if decision not in DECISIONS:
        return decision, comment, "Kies 'Goedkeuren' of 'Wijzigingen vragen'."
    if len(comment) > MAX_COMMENT:
        return decision, comment, f"De toelichting is te lang (hoogstens {MAX_COMMENT} tekens)."
    if decision == "request_changes" and not comment:
        return decision, comment, "Schrijf bij 'Wijzigingen vragen' wat er moet veranderen."
    return decision, comment, None


def rsvp_from_form(form: Mapping) -> str | None:
    response = field_text(form, "response", 40)
    return response if response in BOARD_RESPONSES else None
