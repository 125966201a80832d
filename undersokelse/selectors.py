"""Reads of the BTI-undersøkelsen: invitations, participation and the results.

Results exist only for closed rounds (a result that changes while answers come in would
let anyone who looks twice subtract one person's answer). Every number leaving
``round_results`` has passed ``suppression.protect`` over the whole kommune → service →
unit tree, one measure at a time (the group, each theme, each question), so every filter
view, the PDF, the CSV and the API show the same cells and hide the same cells.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bti.models import Service, Unit, User
from undersokelse import questions
from undersokelse.models import FreeText, Respondent, Response, RoundStatus, RoundUnit, SurveyRound
from undersokelse.suppression import SMALL, Cell, Key, protect

ROOT: Key = ("alle",)
HIDDEN = "<5"


def rounds_of(kommune_id: int) -> QuerySet[SurveyRound]:
    return SurveyRound.objects.filter(kommune_id=kommune_id).select_related("korus").order_by("-opens_on", "-pk")


def invitations(user: User) -> list[dict[str, Any]]:
    """Open rounds the user may answer now, with whether they have answered."""
    today = timezone.localdate()
    from undersokelse.services import _active_memberships

    unit_ids = _active_memberships(today).filter(user=user).values("unit_id")
    rounds = (
        SurveyRound.objects.filter(
            status=RoundStatus.OPEN,
            opens_on__lte=today,
            closes_on__gte=today,
            pk__in=RoundUnit.objects.filter(unit_id__in=unit_ids).values("round_id"),
        )
        .annotate(answered=Exists(Respondent.objects.filter(round=OuterRef("pk"), user=user, has_answered=True)))
        .order_by("closes_on")
    )
    return [{"round": r, "answered": r.answered} for r in rounds]


@dataclass
class Participation:
    unit: Unit
    invited: int
    answered: int


def participation(survey: SurveyRound) -> tuple[list[Participation], int, int]:
    """Invited and answered per invited unit (counts only: never who)."""
    counts = {
        row["unit_id"]: row
        for row in Respondent.objects.filter(round=survey)
        .values("unit_id")
        .annotate(invited=Count("id"), answered=Count("id", filter=Q(has_answered=True)))
    }
    rows = []
    for ru in RoundUnit.objects.filter(round=survey).select_related("unit", "unit__service").order_by("unit__name"):
        c = counts.get(ru.unit_id, {"invited": 0, "answered": 0})
        rows.append(Participation(ru.unit, c["invited"], c["answered"]))
    return rows, sum(r.invited for r in rows), sum(r.answered for r in rows)


# --- Results ---------------------------------------------------------------------------


@dataclass
class Score:
    n: int
    mean: float | None = None
    share: int | None = None  # percent answering 4 or 5
    hidden: bool = False

    @property
    def shown_n(self) -> int | str:
        return HIDDEN if self.hidden and self.n else self.n


@dataclass
class CellResult:
    key: Key
    label: str
    kind: str  # alle, tjeneste, enhet
    n: int
    hidden: bool
    themes: dict[str, Score] = field(default_factory=dict)
    questions: dict[str, Score] = field(default_factory=dict)
    parent: Key | None = None

    @property
    def shown_n(self) -> int | str:
        return HIDDEN if self.hidden else self.n

    @property
    def theme_scores(self) -> list[Score]:
        return [self.themes[t.key] for t in questions.THEMES]


@dataclass
class RoundResults:
    survey: SurveyRound
    cells: dict[Key, CellResult]
    services: list[CellResult]
    units: dict[Key, list[CellResult]]

    def cell(self, key: Key) -> CellResult | None:
        return self.cells.get(key)


class _Acc:
    def __init__(self) -> None:
        self.n = 0
        self.q_count: dict[str, int] = defaultdict(int)
        self.q_sum: dict[str, int] = defaultdict(int)
        self.q_pos: dict[str, int] = defaultdict(int)
        self.t_count: dict[str, int] = defaultdict(int)
        self.t_sum: dict[str, float] = defaultdict(float)
        self.t_pos: dict[str, int] = defaultdict(int)

    def add(self, answers: dict[str, int]) -> None:
        self.n += 1
        for key, score in answers.items():
            if key not in questions.QUESTIONS or not score:
                continue
            self.q_count[key] += 1
            self.q_sum[key] += score
            self.q_pos[key] += score >= questions.POSITIVE_FROM
        for theme in questions.THEMES:
            own = [
                (6 - answers[q.key]) if q.key in questions.NEGATIVE_KEYS else answers[q.key]
                for q in theme.scored
                if answers.get(q.key) and q.key not in questions.NEUTRAL_KEYS
            ]
            if own:
                theme_score = sum(own) / len(own)
                self.t_count[theme.key] += 1
                self.t_sum[theme.key] += theme_score
                self.t_pos[theme.key] += theme_score >= questions.POSITIVE_FROM


def _score(count: int, total: float, pos: int, hidden: bool) -> Score:
    if hidden or count == 0:
        return Score(count, hidden=hidden and count > 0)
    return Score(count, round(total / count, 1), round(100 * pos / count))


def round_results(survey: SurveyRound) -> RoundResults | None:
    """The protected results of a closed round (None while it is open)."""
    if survey.status != RoundStatus.CLOSED:
        return None
    acc: dict[Key, _Acc] = defaultdict(_Acc)
    invited = list(RoundUnit.objects.filter(round=survey).select_related("unit", "unit__service"))
    for service_id, unit_id, answers in Response.objects.filter(round=survey).values_list(
        "service_id", "unit_id", "answers"
    ):
        service_key: Key = ("tjeneste", service_id) if service_id else ("tjeneste-ukjent",)
        unit_key: Key = ("enhet", unit_id) if unit_id else ("enhet-ukjent", service_id)
        for key in (ROOT, service_key, unit_key) if service_id else (ROOT, service_key):
            acc[key].add(answers)
    # The tree: every invited service and unit (with or without answers) plus residuals.
    services: dict[int, Service] = {}
    units_of: dict[int, list[Unit]] = defaultdict(list)
    for ru in invited:
        services[ru.unit.service_id] = ru.unit.service
        units_of[ru.unit.service_id].append(ru.unit)
    for key in list(acc):
        if key[0] == "tjeneste" and key[1] not in services:
            services[key[1]] = Service.objects.get(pk=key[1])
    service_cells = []
    for sid, _service in sorted(services.items(), key=lambda kv: kv[1].name):
        unit_cells = [
            Cell(("enhet", u.pk), acc[("enhet", u.pk)].n) for u in sorted(units_of[sid], key=lambda u: u.name)
        ]
        unit_cells.append(Cell(("enhet-ukjent", sid), acc[("enhet-ukjent", sid)].n, shown=False))
        service_cells.append(Cell(("tjeneste", sid), acc[("tjeneste", sid)].n, children=unit_cells))
    service_cells.append(Cell(("tjeneste-ukjent",), acc[("tjeneste-ukjent",)].n, shown=False))
    root = Cell(ROOT, acc[ROOT].n, children=service_cells)

    group_hidden = frozenset(protect(root))
    theme_hidden = {
        t.key: protect(root, {k: a.t_count[t.key] for k, a in acc.items()}, group_hidden) for t in questions.THEMES
    }
    question_hidden = {
        key: protect(root, {k: a.q_count[key] for k, a in acc.items()}, group_hidden) for key in questions.SCORED_KEYS
    }
    labels: dict[Key, tuple[str, str, Key | None]] = {ROOT: (survey.kommune.name, "alle", None)}
    for sid, service in services.items():
        labels[("tjeneste", sid)] = (service.name, "tjeneste", ROOT)
        for u in units_of[sid]:
            labels[("enhet", u.pk)] = (u.name, "enhet", ("tjeneste", sid))
    # Groups whose few answers were coarsened at closing show as «<5», not as 0.
    answered_units = set(
        Respondent.objects.filter(round=survey, has_answered=True).values_list("unit_id", "unit__service_id")
    )
    coarsened = {("enhet", u) for u, _s in answered_units} | {("tjeneste", s) for _u, s in answered_units}
    cells: dict[Key, CellResult] = {}
    for key, (label, kind, parent) in labels.items():
        a = acc.get(key) or _Acc()
        cells[key] = CellResult(
            key=key,
            label=label,
            kind=kind,
            n=a.n,
            hidden=key in group_hidden or (a.n == 0 and key in coarsened),
            parent=parent,
            themes={
                t.key: _score(a.t_count[t.key], a.t_sum[t.key], a.t_pos[t.key], key in theme_hidden[t.key])
                for t in questions.THEMES
            },
            questions={
                q: _score(a.q_count[q], a.q_sum[q], a.q_pos[q], key in question_hidden[q])
                for q in questions.SCORED_KEYS
            },
        )
    service_rows = sorted((c for c in cells.values() if c.kind == "tjeneste"), key=lambda c: c.label)
    unit_rows: dict[Key, list[CellResult]] = {
        s.key: sorted((c for c in cells.values() if c.parent == s.key), key=lambda c: c.label) for s in service_rows
    }
    return RoundResults(survey, cells, service_rows, unit_rows)


def previous_round(survey: SurveyRound) -> SurveyRound | None:
    """The kommune's latest closed round that started before this one (for comparison)."""
    return (
        SurveyRound.objects.filter(
            kommune_id=survey.kommune_id, status=RoundStatus.CLOSED, opens_on__lte=survey.opens_on
        )
        .exclude(pk=survey.pk)
        .order_by("-opens_on", "-pk")
        .first()
    )


def free_texts(survey: SurveyRound, cell: CellResult | None) -> dict[str, list[str]]:
    """Free-text answers of a visible group of at least SMALL people, in random order."""
    if cell is None or cell.hidden or cell.n < SMALL:
        return {}
    qs = FreeText.objects.filter(round=survey)
    if cell.kind == "tjeneste":
        qs = qs.filter(service_id=cell.key[1])
    elif cell.kind == "enhet":
        qs = qs.filter(unit_id=cell.key[1])
    grouped: dict[str, list[str]] = defaultdict(list)
    for question, text in qs.order_by("id").values_list("question", "text"):
        grouped[question].append(text)
    return dict(grouped)


def parse_filter(results: RoundResults, service: Any, unit: Any) -> tuple[Key, str | None]:
    """The cell a filter asks for, and a message when it cannot be shown."""
    try:
        if unit not in (None, ""):
            key: Key = ("enhet", int(unit))
        elif service not in (None, ""):
            key = ("tjeneste", int(service))
        else:
            key = ROOT
    except (TypeError, ValueError):
        return ROOT, _("Velg en tjeneste eller enhet fra listen.")
    cell = results.cell(key)
    if cell is None:
        return ROOT, _("Velg en tjeneste eller enhet som var invitert til runden.")
    if cell.hidden:
        return key, _(
            "%(group)s har for få svar til å vises. Grupper med færre enn %(min)s svar vises aldri, "
            "og noen ganger skjules også en annen gruppe, så ingen kan regne seg fram til svarene."
        ) % {"group": cell.label, "min": SMALL}
    return key, None
