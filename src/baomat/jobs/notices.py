"""Finishing policy-change notices: a publish that stopped half way is taken up again."""

from __future__ import annotations

from baomat.jobs.job import Context, Outcome
from baomat.services import policy_changes


def resume(ctx: Context) -> Outcome:
    """Tells the subjects still due a notice of a published change → counts."""
    runs = policy_changes.tell_everyone(ctx.uow(), ctx.clock())
    return Outcome(
        {
            "versions": len(runs),
            "subjects": sum(r.subjects for r in runs),
            "queued": sum(r.queued for r in runs),
            "closed": sum(r.closed for r in runs),
        }
    )
