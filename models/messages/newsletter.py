"""Plain dataclasses the newsletter workflow and its activities exchange (never ORM rows)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

KIND = "newsletter"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")  # made here, outside the workflow sandbox (which restricts ZoneInfo)


def period_of(moment: datetime) -> str:
    """The issue month (yyyy-mm) a moment falls in, Europe/Amsterdam."""
    return moment.astimezone(AMSTERDAM).strftime("%Y-%m")


@dataclass
class NewsletterPolicy:
    """Every timeline is a duration (seconds), so tests run the same code with short ones."""

    late_after: float = 2 * 24 * 3600  # approval later than this after the slot: wait for an explicit go
    batch_size: int = 1000  # recipients per send activity (never one activity per recipient)
    parallel_batches: int = 2
    connections: int = 4  # SMTP connections per batch activity
    rate_per_second: float = 0.0  # for the whole send; 0 = no limit
    heartbeat_timeout: float = 30.0
    batch_timeout: float = 3600.0
    temp_retry_window: float = 300.0  # 4xx replies are retried within this window, then counted
    temp_retry_delay: float = 10.0
    max_history_events: int = 5000  # continue-as-new above this


@dataclass
class NewsletterInput:
    association_id: int
    period: str  # yyyy-mm
    slot_at: str  # ISO datetime of the scheduled slot (UTC)
    editors: list[str] = field(default_factory=list)  # empty: the association's mailbox
    intro: str = ""
    policy: NewsletterPolicy = field(default_factory=NewsletterPolicy)
    resume: SendState | None = None  # set by continue-as-new


@dataclass
class KickoffInput:
    """What a monthly Schedule passes to the kickoff workflow."""

    association_id: int
    slug: str
    editors: list[str] = field(default_factory=list)
    policy: NewsletterPolicy = field(default_factory=NewsletterPolicy)


@dataclass
class KickoffResult:
    workflow_id: str


@dataclass
class ComposeRequest:
    association_id: int
    period: str
    intro: str = ""
    recompose: bool = False  # True: a new version after a request for changes


@dataclass
class ComposeResult:
    issue_id: int
    version: int
    subject_ref: str
    subject: str


@dataclass
class ProofRequest:
    issue_id: int
    editors: list[str]
    late: bool = False


@dataclass
class ProofResult:
    sent_to: list[str]


@dataclass
class RelayAlert:
    """The relay refused the issue at MAIL FROM or DATA: the send paused; tell the editors and audit it."""

    issue_id: int
    editors: list[str]
    refusal: str  # smtp_refusal.Refusal.describe(): stage, code and the relay's reply
    number: int  # the how-manieth refusal of this issue: each one gets its own mail
    sent: int = 0  # of total, so far
    total: int = 0


@dataclass
class IssueStatusChange:
    issue_id: int
    status: str
    approved_by: str = ""
    comment: str = ""


@dataclass
class IssueRef:
    issue_id: int


@dataclass
class FreezeResult:
    total: int


@dataclass
class BatchInput:
    issue_id: int
    start: int  # first position (inclusive)
    end: int  # last position (exclusive)
    connections: int
    rate_per_second: float  # this batch's share
    temp_retry_window: float
    temp_retry_delay: float


@dataclass
class BatchResult:
    start: int
    end: int
    sent: int = 0
    already_sent: int = 0
    failed_permanent: int = 0
    failed_temporary: int = 0
    suppressed: int = 0  # unsubscribed or suppressed before their turn
    stopped: bool = False  # cancelled (pause/cancel) before the end
    relay_refusal: str = ""  # the relay refused MAIL FROM or DATA (smtp_refusal): stopped, the send must pause


@dataclass
class Decision:
    """The editor's answer to a proof: "approve" or "changes" (with a comment)."""

    decision: str
    by: str = ""
    comment: str = ""
    version: int | None = None  # the proof version decided on; a stale one is refused


@dataclass
class Command:
    """go, pause, resume, cancel: who asked (for the audit trail in the history)."""

    by: str = ""


@dataclass
class Revision:
    intro: str | None = None


@dataclass
class Ack:
    ok: bool
    message: str = ""


@dataclass
class SendState:
    """Carried over continue-as-new: where the send stands."""

    issue_id: int
    total: int
    remaining_starts: list[int] = field(default_factory=list)  # batches still to send
    sent: int = 0
    failed: int = 0
    suppressed: int = 0
    started_at: str = ""
    paused: bool = False
    cancelled: bool = False
    relay_refusal: str = ""  # why the send paused by itself (the relay refused); cleared by resume
    relay_alerts: int = 0


@dataclass
class Progress:
    state: str  # composing, proof, changes_requested, awaiting_go, sending, paused, sent, cancelled
    version: int = 0
    total: int = 0
    sent: int = 0
    failed: int = 0
    suppressed: int = 0
    remaining: int = 0
    rate: float = 0.0  # messages per second since sending started
    eta_seconds: float | None = None
    comment: str = ""
    relay_refusal: str = ""  # paused because the relay refused the issue (not the readers)


@dataclass
class ReportRequest:
    issue_id: int
    editors: list[str]
    total: int
    sent: int
    failed: int
    suppressed: int
    cancelled: bool = False


@dataclass
class NewsletterResult:
    issue_id: int
    final_state: str
    sent: int = 0
    failed: int = 0
    suppressed: int = 0
