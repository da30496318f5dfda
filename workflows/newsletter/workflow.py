"""The monthly newsletter workflow (id newsletter-<association>-<yyyy-mm>) and its Schedule kickoff.

compose -> proof to the editor(s) -> approve (or changes -> revise -> new proof) -> [late: explicit go]
-> freeze the recipients -> batched send (pause / resume / cancel) -> report to the editor(s).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar, overload

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeKey
from temporalio.exceptions import ActivityError, WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from activities.newsletter.activities import NewsletterActivities
    from models.messages.newsletter import (
        Ack, Command, ComposeRequest, Decision, IssueRef, IssueStatusChange, KickoffInput, KickoffResult,
        NewsletterInput, NewsletterResult, Progress, ProofRequest, RelayAlert, ReportRequest, Revision, SendState,
        period_of,
    )
    from workflows.newsletter.send import SendPhase, batch_starts

A = TypeVar("A")  # an activity's input
T = TypeVar("T")
SCHEDULED_START = SearchAttributeKey.for_datetime("TemporalScheduledStartTime")  # set by Temporal Schedules
SHORT: dict[str, Any] = {"start_to_close_timeout": timedelta(minutes=2),
         "retry_policy": RetryPolicy(initial_interval=timedelta(seconds=1), maximum_attempts=10)}


@workflow.defn
class NewsletterWorkflow:
    @workflow.init
    def __init__(self, inp: NewsletterInput) -> None:
        self.inp, self.state, self.version, self.comment = inp, "composing", 0, ""
        self.issue_id = inp.resume.issue_id if inp.resume else 0
        self.decision: Decision | None = None
        self.revision: Revision | None = None
        self.go = False
        self.send: SendPhase | None = self._send_phase(inp.resume) if inp.resume else None
        self.cancelled = False
        self.started_at = datetime.fromisoformat(inp.resume.started_at) if inp.resume else None

    @workflow.run
    async def run(self, inp: NewsletterInput) -> NewsletterResult:
        if self.send is None:
            if not await self._until_approved() or not await self._until_go():
                return await self._finish(cancelled=True)
            await self._start_sending()
        self.state = "paused" if self.send.state.paused else "sending"
        done = await self.send.run()
        if done and (self.send.state.remaining_starts or self.send.running):
            await workflow.wait_condition(workflow.all_handlers_finished)
            workflow.continue_as_new(NewsletterInput(inp.association_id, inp.period, inp.slot_at, inp.editors,
                                                     inp.intro, inp.policy, self.send.state))
        return await self._finish(cancelled=not done)

    async def _until_approved(self) -> bool:
        await self._compose(recompose=False)
        while True:
            await self._status("proof")
            await self._act(NewsletterActivities.send_proof, ProofRequest(self.issue_id, self.inp.editors))
            await workflow.wait_condition(lambda: self.decision is not None or self.revision is not None or self.cancelled)
            if self.cancelled:
                return False
            if self.decision and self.decision.decision == "approve":
                await self._status("approved", approved_by=self.decision.by)
                return True
            if self.decision:  # changes requested: wait for a revision (or just a new compose)
                await self._status("changes_requested", comment=self.comment)
                await workflow.wait_condition(lambda: self.revision is not None or self.cancelled)
                if self.cancelled:
                    return False
            await self._compose(recompose=True, intro=self.revision.intro or "")
            self.decision = self.revision = None

    async def _until_go(self) -> bool:
        """Approved long after the slot: never go out late unnoticed, wait for an explicit go."""
        slot = datetime.fromisoformat(self.inp.slot_at)
        if workflow.now() - slot <= timedelta(seconds=self.inp.policy.late_after):
            return True
        await self._status("awaiting_go")
        await self._act(NewsletterActivities.send_proof, ProofRequest(self.issue_id, self.inp.editors, late=True))
        await workflow.wait_condition(lambda: self.go or self.cancelled)
        return not self.cancelled

    async def _start_sending(self) -> None:
        frozen = await self._act(NewsletterActivities.freeze_recipients, IssueRef(self.issue_id))
        self.started_at = workflow.now()
        state = SendState(self.issue_id, frozen.total, batch_starts(frozen.total, self.inp.policy.batch_size),
                          started_at=self.started_at.isoformat())
        self.send = self._send_phase(state)
        await self._status("sending")

    def _send_phase(self, state: SendState) -> SendPhase:
        phase = SendPhase(state, self.inp.policy)
        phase.on_relay_refusal = self._relay_refused
        return phase

    async def _relay_refused(self, refusal: str) -> None:
        """The send paused itself (SendPhase._pause_for_relay): say so, and tell the editors. The alert may
        fail through the same relay; the pause and the audit event stand, so that never fails the issue."""
        self.state = "paused"
        sent, _, _ = self.send.counts()
        alert = RelayAlert(self.issue_id, self.inp.editors, refusal, self.send.state.relay_alerts, sent,
                           self.send.state.total)
        try:
            await self._act(NewsletterActivities.send_relay_alert, alert)
        except ActivityError as err:
            workflow.logger.warning("newsletter %s: relay alert not delivered: %s", self.issue_id, err)

    async def _finish(self, cancelled: bool) -> NewsletterResult:
        self.state = "cancelled" if cancelled else "sent"
        sent, failed, suppressed = self.send.counts() if self.send else (0, 0, 0)
        if self.issue_id:
            await self._status(self.state)
        if self.send:
            await self._act(NewsletterActivities.send_report, ReportRequest(
                self.issue_id, self.inp.editors, self.send.state.total, sent, failed, suppressed, cancelled))
        await workflow.wait_condition(workflow.all_handlers_finished)
        return NewsletterResult(self.issue_id, self.state, sent, failed, suppressed)

    async def _compose(self, recompose: bool, intro: str = "") -> None:
        req = ComposeRequest(self.inp.association_id, self.inp.period, intro or self.inp.intro, recompose)
        composed = await self._act(NewsletterActivities.compose_issue, req)
        self.issue_id, self.version = composed.issue_id, composed.version

    async def _status(self, status: str, approved_by: str = "", comment: str = "") -> None:
        self.state = status
        await self._act(NewsletterActivities.set_issue_status, IssueStatusChange(self.issue_id, status, approved_by, comment))

    @overload
    async def _act(self, method: Callable[[Any, A], Awaitable[T]], arg: A) -> T: ...
    @overload
    async def _act(self, method: Callable[[Any, A], T], arg: A) -> T: ...
    async def _act(self, method: Callable[[Any, A], Any], arg: A) -> Any:
        return await workflow.execute_activity_method(method, arg, **SHORT)

    # --- the editor's and the CLI's commands ------------------------------------------------
    @workflow.update
    def decide(self, d: Decision) -> Ack:
        if self.state != "proof" or self.decision is not None:
            return Ack(False, "Er wacht nu geen proef op een beslissing.")
        if d.version is not None and d.version != self.version:
            return Ack(False, f"Deze proef (versie {d.version}) is vervangen door versie {self.version}.")
        if d.decision not in ("approve", "changes"):
            return Ack(False, "Onbekende beslissing.")
        self.decision, self.comment = d, d.comment.strip()
        return Ack(True, "Goedgekeurd." if d.decision == "approve" else "Wijzigingen gevraagd.")

    @workflow.update
    def revise(self, r: Revision) -> Ack:
        if self.state not in ("proof", "changes_requested") or self.revision is not None:
            return Ack(False, "De nieuwsbrief kan nu niet meer worden herzien.")
        self.revision = r
        return Ack(True, "Een nieuwe proef wordt gemaakt.")

    @workflow.update
    def start_now(self, c: Command) -> Ack:
        if self.state != "awaiting_go":
            return Ack(False, "De nieuwsbrief wacht niet op een startsein.")
        self.go = True
        return Ack(True, "De verzending begint.")

    @workflow.update
    def pause(self, c: Command) -> Ack:
        if self.send is None or self.state != "sending":
            return Ack(False, "Er loopt geen verzending om te pauzeren.")
        self.send.state.paused, self.state = True, "paused"
        self.send.poke()
        return Ack(True, "Verzending gepauzeerd.")

    @workflow.update
    def resume(self, c: Command) -> Ack:
        if self.send is None or self.state != "paused":
            return Ack(False, "De verzending is niet gepauzeerd.")
        self.send.state.paused, self.state = False, "sending"
        self.send.state.relay_refusal = ""
        self.send.poke()
        return Ack(True, "Verzending hervat.")

    @workflow.update
    def cancel(self, c: Command) -> Ack:
        if self.state in ("sent", "cancelled"):
            return Ack(False, "De nieuwsbrief is al afgerond.")
        self.cancelled = True
        if self.send is not None:
            self.send.state.cancelled = True
            self.send.poke()
        return Ack(True, "Nieuwsbrief geannuleerd.")

    @workflow.query
    def progress(self) -> Progress:
        p = Progress(self.state, self.version, comment=self.comment)
        if self.send is not None:
            p.total = self.send.state.total
            p.sent, p.failed, p.suppressed = self.send.counts()
            p.relay_refusal = self.send.state.relay_refusal
            p.remaining = max(0, p.total - p.sent - p.failed - p.suppressed)
            elapsed = (workflow.now() - self.started_at).total_seconds() if self.started_at else 0
            p.rate = p.sent / elapsed if elapsed > 0 else 0.0
            p.eta_seconds = p.remaining / p.rate if p.rate > 0 else None
        return p


@workflow.defn
class NewsletterKickoffWorkflow:
    """Started by the monthly Schedule; starts newsletter-<slug>-<yyyy-mm> for the month of its slot."""

    @workflow.run
    async def run(self, inp: KickoffInput) -> KickoffResult:
        # The slot the Schedule fired for, not when a worker got to it: after days without a worker the
        # issue is late (it waits for an explicit go) and still belongs to the slot's month.
        slot = workflow.info().typed_search_attributes.get(SCHEDULED_START) or workflow.info().start_time
        period = period_of(slot)
        wid = f"newsletter-{inp.slug}-{period}"
        try:
            await workflow.start_child_workflow(
                NewsletterWorkflow.run, NewsletterInput(inp.association_id, period, slot.isoformat(), inp.editors,
                                                        policy=inp.policy),
                id=wid, parent_close_policy=workflow.ParentClosePolicy.ABANDON)
        except WorkflowAlreadyStartedError:
            workflow.logger.info("%s already exists; the schedule does not start it twice", wid)
        return KickoffResult(wid)
