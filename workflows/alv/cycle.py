"""The yearly ALV cycle: each firing of the association's Schedule (spring and autumn) runs this small
workflow, which creates the next ALV from the year planning and starts its AlvWorkflow `meeting-<id>`
at once, so the ALV's first step (save the date, 8 weeks before) is sleeping in its own workflow.

Idempotent: a repeated firing finds the same meeting, and the child id meeting-<id> is never reused."""
from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributePair, TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from activities.alv.cycle import AlvCycleActivities
    from models.messages.alv import AlvCycleInput, AlvCycleResult, AlvInput, PlanAlv
    from raadsbode.domain.workflow_ids import meeting_workflow_id
    from raadsbode.search_attributes import ASSOCIATION, MEETING_ID
    from workflows.alv.workflow import AlvWorkflow

PLAN_TIMEOUT = timedelta(seconds=30)
PLAN_RETRY = RetryPolicy(initial_interval=timedelta(seconds=2), maximum_interval=timedelta(minutes=1), maximum_attempts=10)


@workflow.defn
class AlvCycleWorkflow:
    @workflow.run
    async def run(self, inp: AlvCycleInput) -> AlvCycleResult:
        planned = await workflow.execute_activity_method(
            AlvCycleActivities.plan_next_alv, PlanAlv(inp.association_id, workflow.now().isoformat(), inp.policy),
            start_to_close_timeout=PLAN_TIMEOUT, retry_policy=PLAN_RETRY)
        workflow_id = meeting_workflow_id(planned.meeting_id)
        try:
            await workflow.start_child_workflow(
                AlvWorkflow.run, AlvInput(planned.meeting_id, inp.association_slug, batch_size=inp.batch_size),
                id=workflow_id, parent_close_policy=workflow.ParentClosePolicy.ABANDON,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                search_attributes=TypedSearchAttributes([SearchAttributePair(ASSOCIATION, inp.association_slug),
                                                         SearchAttributePair(MEETING_ID, planned.meeting_id)]))
            started = True
        except WorkflowAlreadyStartedError:
            workflow.logger.info("%s was already started; this firing starts nothing", workflow_id)
            started = False
        return AlvCycleResult(planned.meeting_id, workflow_id, planned.created, started)
