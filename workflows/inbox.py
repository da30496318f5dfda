"""The inbox workflow (id `inbox`, one for all associations): poll the inbound mail, apply calendar
replies, sleep, and continue-as-new now and then so its history never grows long."""
from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.inbox.activities import InboxActivities
    from models.messages.inbox import InboxInput, InboxPoll, InboxReport, InboxTotalsQuery

INBOX_WORKFLOW_ID = "inbox"
POLL_RETRY = RetryPolicy(initial_interval=timedelta(seconds=5), maximum_interval=timedelta(minutes=2), maximum_attempts=5)


@workflow.defn
class InboxWorkflow:
    def __init__(self) -> None:
        self.total = InboxReport()

    @workflow.run
    async def run(self, inp: InboxInput) -> InboxReport:
        for _ in range(inp.polls_per_run):
            report = await self._poll(inp)
            self._add(report)
            if report.seen >= inp.batch_size:
                continue  # more may be waiting: no sleep
            if inp.stop_when_idle and report.seen == 0:
                return self.total
            await workflow.sleep(timedelta(seconds=inp.poll_seconds))
        workflow.continue_as_new(inp)

    async def _poll(self, inp: InboxInput) -> InboxReport:
        try:
            return await workflow.execute_activity_method(
                InboxActivities.process_inbox, InboxPoll(inp.batch_size), start_to_close_timeout=timedelta(minutes=5),
                heartbeat_timeout=timedelta(minutes=1), retry_policy=POLL_RETRY)
        except ActivityError as err:  # a mailbox that is down must not end the inbox
            workflow.logger.warning("inbox poll failed, trying again next time: %s", err)
            return InboxReport()

    def _add(self, report: InboxReport) -> None:
        for name in ("seen", "recorded", "ignored", "refused", "unverified"):
            setattr(self.total, name, getattr(self.total, name) + getattr(report, name))

    @workflow.query
    def totals(self, _: InboxTotalsQuery) -> InboxReport:
        return self.total
