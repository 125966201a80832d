"""Plans, tiltak and meetings for ``seed_scale`` (issue #9): one goal with two tiltak on
every case from nivå 1, a meeting with referat on nivå 2–3."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bti import sealing
from demo.scale import ScaleContext, register
from samarbeid.models import Goal, Measure, Meeting, MeetingParticipant


@register("samarbeid")
def generate(ctx: ScaleContext, cursor: Any) -> None:
    # Generated text is written plain, as demo.scale writes its entries (docs/adr/0026): a
    # key per generated case would make the generator a key service.
    with sealing.sealed_only():
        _generate(ctx, cursor)


def _generate(ctx: ScaleContext, cursor: Any) -> None:
    rng = ctx.rng
    k = ctx.kommune.pk
    goals: list[Goal] = []
    owners: list[tuple[int, int, int, Any, str]] = []
    for case_id, _child, unit_id, level, status, opened, holder in ctx.cases:
        if level < 1 or holder is None:
            continue
        goals.append(
            Goal(
                kommune_id=k,
                case_id=case_id,
                text="Barnet skal trives og delta i leken.",
                agreed_with="Mor og far",
                created_by_id=holder,
                created_at=opened,
            )
        )
        owners.append((case_id, unit_id, holder, opened, status))
    Goal.objects.bulk_create(goals, batch_size=5000)
    measures: list[Measure] = []
    meetings: list[Meeting] = []
    meeting_units: list[int] = []
    for goal, (case_id, unit_id, holder, opened, status) in zip(goals, owners, strict=True):
        for n in range(2):
            start = (opened + timedelta(days=20 + 30 * n)).date()
            measures.append(
                Measure(
                    kommune_id=k,
                    case_id=case_id,
                    goal=goal,
                    description=f"Tiltak {n + 1}: ekstra oppfølging i hverdagen",
                    responsible_unit_id=unit_id,
                    responsible_user_id=holder,
                    start_date=start,
                    evaluation_date=start + timedelta(days=rng.randint(30, 120)),
                    status="pagar" if status == "open" else "avsluttet",
                    created_by_id=holder,
                    created_at=opened,
                )
            )
        if rng.random() < 0.5:
            meeting_units.append(unit_id)
            meetings.append(
                Meeting(
                    kommune_id=k,
                    case_id=case_id,
                    starts_at=opened + timedelta(days=14),
                    place="Møterom 1",
                    agenda="Status og plan",
                    status="gjennomfort",
                    referat="Vi gikk gjennom planen.",
                    decisions="Fortsett",
                    referat_by_id=holder,
                    referat_at=opened + timedelta(days=14),
                    created_by_id=holder,
                    created_at=opened,
                )
            )
    Measure.objects.bulk_create(measures, batch_size=5000)
    Meeting.objects.bulk_create(meetings, batch_size=5000)
    MeetingParticipant.objects.bulk_create(
        [
            MeetingParticipant(kommune_id=k, meeting=m, user_id=m.created_by_id, unit_id=unit_id)
            for m, unit_id in zip(meetings, meeting_units, strict=True)
        ],
        batch_size=5000,
    )
    ctx.counts.update({"goals": len(goals), "measures": len(measures), "meetings": len(meetings)})
