"""Every state change of the BTI-undersøkelsen. Each function checks ``undersokelse.rules``,
validates, writes in one transaction and queues e-mails through the outbox (``bti.outbox.enqueue``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bti.errors import ConflictError
from bti.models import Membership, Unit, User
from bti.policy import korus_kommune_ids
from undersokelse import privacy, questions, rules
from undersokelse.models import FreeText, Respondent, Response, RoundStatus, RoundUnit, SurveyRound
from undersokelse.suppression import SMALL

TEXT_MAX = 2000
REMINDER_INTERVAL = timedelta(hours=20)


class TextWarning(ValidationError):
    """Free text that may name someone: shown to the writer, who may edit or send anyway."""


class AlreadyAnswered(ConflictError):
    """A second answer from the same person (the API answers 409, the page shows the message)."""


def invited_unit_ids(*, kommune_id: int, unit_ids: list[int], service_ids: list[int]) -> list[int]:
    """The units chosen one by one plus every active unit of the chosen services (the
    page's and the API's «invite whole services»)."""
    chosen = set(unit_ids)
    if service_ids:
        chosen |= set(
            Unit.objects.filter(kommune_id=kommune_id, service_id__in=service_ids, is_active=True).values_list(
                "pk", flat=True
            )
        )
    return sorted(chosen)


def _active_memberships(today: date) -> Any:
    return Membership.objects.filter(valid_from__lte=today).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )


def _clean_round(
    *, kommune_id: int, title: str, opens_on: date | None, closes_on: date | None, unit_ids: list[int]
) -> tuple[str, date, date, list[Unit]]:
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Skriv et navn på runden, for eksempel «Før innføring 2027».")]
    elif len(title) > 150:
        errors["title"] = [_("Navnet kan være høyst 150 tegn.")]
    if opens_on is None:
        errors["opens_on"] = [_("Skriv datoen runden åpner (dd.mm.åååå).")]
    if closes_on is None:
        errors["closes_on"] = [_("Skriv datoen runden stenger (dd.mm.åååå).")]
    if opens_on and closes_on and closes_on < opens_on:
        errors["closes_on"] = [_("Runden kan ikke stenge før den åpner. Velg en sluttdato etter startdatoen.")]
    units = list(Unit.objects.filter(pk__in=unit_ids, kommune_id=kommune_id, is_active=True).order_by("name"))
    if not unit_ids:
        errors["units"] = [_("Velg minst én enhet eller tjeneste som skal inviteres.")]
    elif len(units) != len(set(unit_ids)):
        errors["units"] = [_("Velg bare aktive enheter i kommunen.")]
    if errors:
        raise ValidationError(errors)
    assert opens_on is not None and closes_on is not None
    return title, opens_on, closes_on, units


@transaction.atomic
def round_save(
    *,
    actor: User,
    kommune_id: int,
    title: str,
    opens_on: date | None,
    closes_on: date | None,
    unit_ids: list[int],
    round_id: int | None = None,
) -> SurveyRound:
    """Create a round as a draft, or change a draft (period, name, invited units)."""
    kommune = rules.kommune_for(actor, kommune_id, rules.MANAGE)
    title, opens_on, closes_on, units = _clean_round(
        kommune_id=kommune.pk, title=title, opens_on=opens_on, closes_on=closes_on, unit_ids=unit_ids
    )
    if round_id is None:
        korus = None
        if kommune.pk in korus_kommune_ids(actor):
            korus = actor.korus_memberships.filter(is_active=True, korus__follows__kommune=kommune).first()
        survey = SurveyRound.objects.create(
            kommune=kommune,
            title=title,
            question_set=questions.SET_KEY,
            opens_on=opens_on,
            closes_on=closes_on,
            korus=korus.korus if korus else None,
            created_by=actor,
        )
    else:
        survey = rules.round_for(actor, round_id, rules.MANAGE, for_update=True)
        if survey.kommune_id != kommune.pk or survey.status != RoundStatus.DRAFT:
            raise ValidationError({"title": _("Bare et utkast kan endres. Runden er allerede åpnet.")})
        survey.title, survey.opens_on, survey.closes_on = title, opens_on, closes_on
        survey.save(update_fields=["title", "opens_on", "closes_on"])
        RoundUnit.objects.filter(round=survey).exclude(unit__in=units).delete()
    existing = set(RoundUnit.objects.filter(round=survey).values_list("unit_id", flat=True))
    RoundUnit.objects.bulk_create(
        [RoundUnit(kommune=kommune, round=survey, unit=u) for u in units if u.pk not in existing]
    )
    return survey


def _eligible(survey: SurveyRound, today: date) -> dict[int, int]:
    """user id → the invited unit they answer for (the first by name if several)."""
    rows = (
        _active_memberships(today)
        .filter(unit__in=RoundUnit.objects.filter(round=survey).values("unit_id"), user__is_active=True)
        .order_by("user_id", "unit__name")
        .values_list("user_id", "unit_id")
    )
    eligible: dict[int, int] = {}
    for user_id, unit_id in rows:
        eligible.setdefault(user_id, unit_id)
    return eligible


def _mail(survey_id: int, user_ids: list[int], kind: str) -> None:
    from bti.outbox import enqueue
    from undersokelse.tasks import send_survey_mail

    if user_ids:
        enqueue(send_survey_mail, survey_id, user_ids, kind)


@transaction.atomic
def round_open(*, actor: User, round_id: Any) -> SurveyRound:
    """Open a draft for answers: everyone working in an invited unit is invited by e-mail."""
    survey = rules.round_for(actor, round_id, rules.MANAGE, for_update=True)
    today = timezone.localdate()
    if survey.status != RoundStatus.DRAFT:
        raise ValidationError({"status": _("Runden er allerede åpnet.")})
    if survey.closes_on < today:
        raise ValidationError({"closes_on": _("Sluttdatoen har passert. Endre perioden før du åpner runden.")})
    eligible = _eligible(survey, today)
    if not eligible:
        raise ValidationError({"units": _("Ingen ansatte arbeider i de inviterte enhetene. Inviter andre enheter.")})
    Respondent.objects.bulk_create(
        [
            Respondent(kommune_id=survey.kommune_id, round=survey, user_id=u, unit_id=unit)
            for u, unit in eligible.items()
        ]
    )
    survey.status = RoundStatus.OPEN
    survey.opened_at = timezone.now()
    survey.save(update_fields=["status", "opened_at"])
    _mail(survey.pk, sorted(eligible), "invitasjon")
    return survey


@transaction.atomic
def reminders_send(*, actor: User, round_id: Any) -> int:
    """E-mail everyone invited who has not answered yet (at most once in ~a day). Nobody,
    not even the sender, learns who that is."""
    survey = rules.round_for(actor, round_id, rules.MANAGE, for_update=True)
    if not survey.accepts_answers():
        raise ValidationError({"status": _("Påminnelser kan bare sendes mens runden er åpen for svar.")})
    now = timezone.now()
    waiting = Respondent.objects.filter(round=survey, has_answered=False)
    if waiting.filter(reminded_at__gt=now - REMINDER_INTERVAL).exists():
        raise ValidationError({"status": _("Det ble sendt en påminnelse for under et døgn siden. Vent til i morgen.")})
    user_ids = list(waiting.values_list("user_id", flat=True))
    waiting.update(reminded_at=now)
    _mail(survey.pk, user_ids, "paminnelse")
    return len(user_ids)


def _coarsen(survey: SurveyRound) -> None:
    """Groups with fewer than SMALL answers are stored as «unknown» from now on."""
    small_units = [
        row["unit_id"]
        for row in Response.objects.filter(round=survey, unit__isnull=False).values("unit_id").annotate(n=Count("id"))
        if row["n"] < SMALL
    ]
    small_services = [
        row["service_id"]
        for row in Response.objects.filter(round=survey, service__isnull=False)
        .values("service_id")
        .annotate(n=Count("id"))
        if row["n"] < SMALL
    ]
    for model in (Response, FreeText):
        model.objects.filter(round=survey, unit_id__in=small_units).update(unit=None)
        model.objects.filter(round=survey, service_id__in=small_services).update(service=None, unit=None)


def round_shuffle(survey_id: int) -> None:
    """Rewrite a round's answers in random order with new ids, in one transaction, and
    touch its respondents: afterwards neither the rows' physical order nor their
    transaction ids (``xmin``) tell in which order people answered."""
    # Table and column names are our own constants; the round id is a bound parameter.
    with transaction.atomic(), connection.cursor() as cursor:
        for table, columns in (
            (Response._meta.db_table, "kommune_id, round_id, service_id, unit_id, answers"),
            (FreeText._meta.db_table, "kommune_id, round_id, service_id, unit_id, question, text"),
        ):
            copy = f"CREATE TEMP TABLE shuffle_tmp ON COMMIT DROP AS SELECT {columns} FROM {table} WHERE round_id = %s"  # noqa: S608 # nosec B608
            cursor.execute(copy, [survey_id])  # nosec B608
            cursor.execute(f"DELETE FROM {table} WHERE round_id = %s", [survey_id])  # noqa: S608  # nosec B608
            refill = (
                f"INSERT INTO {table} (id, {columns}) "  # noqa: S608 # nosec B608
                f"SELECT gen_random_uuid(), {columns} FROM shuffle_tmp ORDER BY random()"
            )
            cursor.execute(refill)  # nosec B608
            cursor.execute("DROP TABLE shuffle_tmp")
        touch = f"UPDATE {Respondent._meta.db_table} SET has_answered = has_answered WHERE round_id = %s"  # noqa: S608 # nosec B608
        cursor.execute(touch, [survey_id])  # nosec B608
        SurveyRound.objects.filter(pk=survey_id).update(shuffled_at=timezone.now())


@transaction.atomic
def round_close(*, actor: User | None, round_id: Any) -> SurveyRound:
    """Close a round (early, or when its period has ended): small groups are coarsened and
    the answers shuffled; from now on the results can be read. ``actor`` None: the daily job."""
    if actor is None:
        survey = SurveyRound.objects.select_for_update().get(pk=int(str(round_id)))
    else:
        survey = rules.round_for(actor, round_id, rules.MANAGE, for_update=True)
    if survey.status != RoundStatus.OPEN:
        raise ValidationError({"status": _("Bare en åpen runde kan avsluttes.")})
    _coarsen(survey)
    round_shuffle(survey.pk)
    survey.status = RoundStatus.CLOSED
    survey.closed_at = timezone.now()
    if survey.closes_on > timezone.localdate():
        survey.closes_on = timezone.localdate()
    if survey.closes_on < survey.opens_on:
        survey.opens_on = survey.closes_on
    survey.save(update_fields=["status", "closed_at", "closes_on", "opens_on"])
    return survey


def close_due_rounds(today: date | None = None) -> int:
    """Close every open round whose period has ended (Celery beat, daily)."""
    day = today or timezone.localdate()
    count = 0
    for pk in SurveyRound.objects.filter(status=RoundStatus.OPEN, closes_on__lt=day).values_list("pk", flat=True):
        round_close(actor=None, round_id=pk)
        count += 1
    return count


def shuffle_open_rounds() -> int:
    """Nightly: rewrite the answers of open rounds, so a day's order is all a database
    reader could ever see, and only until the next night."""
    ids = list(SurveyRound.objects.filter(status=RoundStatus.OPEN).values_list("pk", flat=True))
    for pk in ids:
        round_shuffle(pk)
    return len(ids)


# --- Answering -------------------------------------------------------------------------


def answer_units(user: User, survey: SurveyRound) -> list[Unit]:
    """The invited units the user works in today (empty: not invited)."""
    today = timezone.localdate()
    return list(
        Unit.objects.filter(
            pk__in=_active_memberships(today).filter(user=user).values("unit_id"),
            id__in=RoundUnit.objects.filter(round=survey).values("unit_id"),
        ).order_by("name")
    )


def has_answered(user: User, survey: SurveyRound) -> bool:
    return Respondent.objects.filter(round=survey, user=user, has_answered=True).exists()


def _clean_scores(raw: dict[str, Any]) -> dict[str, int]:
    scores: dict[str, int] = {}
    errors: dict[str, list[str]] = {}
    for key in questions.SCORED_KEYS:
        value = raw.get(key)
        if value in (None, ""):
            continue
        try:
            score = int(str(value))
        except (TypeError, ValueError):
            score = -1
        if not 0 <= score <= 5:
            errors[key] = [_("Velg ett av svaralternativene.")]
        elif score:
            scores[key] = score
    if errors:
        raise ValidationError(errors)
    return scores


def _clean_texts(raw: dict[str, Any], *, kommune_id: int, confirmed: bool) -> dict[str, str]:
    texts: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    warnings: dict[str, list[str]] = {}
    known: list[str] | None = None
    for key in questions.TEXT_KEYS:
        text = str(raw.get(key) or "").replace("\x00", "").strip()
        if not text:
            continue
        if len(text) > TEXT_MAX:
            errors[key] = [_("Svaret kan være høyst %(max)s tegn.") % {"max": TEXT_MAX}]
            continue
        if privacy.has_fnr(text):
            warnings.setdefault(key, []).append(
                _("Teksten ser ut til å inneholde et fødselsnummer. Det blir fjernet før svaret lagres.")
            )
        if known is None:
            known = list(User.objects.filter(kommune_id=kommune_id).values_list("full_name", flat=True))
        names = privacy.possible_names(text, known)
        if names:
            warnings.setdefault(key, []).append(
                _(
                    "Teksten kan inneholde navn (%(names)s). Svaret er anonymt: skriv ikke navn på barn, foreldre eller kolleger."
                )
                % {"names": ", ".join(names[:5])}
            )
        texts[key] = privacy.strip_fnr(text)[0]
    if errors:
        raise ValidationError(errors)
    if warnings and not confirmed:
        raise TextWarning(warnings)
    return texts


@dataclass(frozen=True)
class Receipt:
    scored: int
    texts: int


@transaction.atomic
def answer_submit(
    *,
    actor: User,
    round_id: Any,
    unit_id: Any = None,
    scores: dict[str, Any],
    texts: dict[str, Any] | None = None,
    confirmed: bool = False,
) -> Receipt:
    """Store one anonymous answer and mark the person as having answered, once.

    The answer row gets the unit (and service) only when that invited group has at least
    SMALL people; nothing in it points at the person (docs/adr/0016)."""
    try:
        pk = int(round_id)
    except (TypeError, ValueError):
        raise ValidationError({"round": _("Fant ikke undersøkelsen.")}) from None
    survey = SurveyRound.objects.filter(pk=pk).first()
    units = answer_units(actor, survey) if survey else []
    if survey is None or not units:
        raise ValidationError({"round": _("Du er ikke invitert til denne undersøkelsen.")})
    if not survey.accepts_answers():
        raise ValidationError({"round": _("Undersøkelsen er ikke åpen for svar nå.")})
    unit = next((u for u in units if str(u.pk) == str(unit_id)), None) if unit_id not in (None, "") else None
    if unit is None:
        if len(units) > 1:
            raise ValidationError({"unit": _("Velg hvilken enhet du svarer for.")})
        unit = units[0]
    clean_scores = _clean_scores(scores)
    clean_texts = _clean_texts(texts or {}, kommune_id=survey.kommune_id, confirmed=confirmed)
    if not clean_scores and not clean_texts:
        raise ValidationError({"__all__": _("Du har ikke svart på noen spørsmål ennå.")})
    try:
        with transaction.atomic():
            Respondent.objects.create(kommune_id=survey.kommune_id, round=survey, user=actor, unit=unit)
    except IntegrityError:
        pass
    respondent = Respondent.objects.select_for_update().get(round=survey, user=actor)
    if respondent.has_answered:
        raise AlreadyAnswered(_("Du har allerede svart på denne undersøkelsen. Svarene er anonyme og kan ikke endres."))
    invited = Respondent.objects.filter(round=survey)
    store_unit = invited.filter(unit=unit).count() >= SMALL
    store_service = store_unit or invited.filter(unit__service_id=unit.service_id).count() >= SMALL
    group = {"service_id": unit.service_id if store_service else None, "unit_id": unit.pk if store_unit else None}
    Response.objects.create(kommune_id=survey.kommune_id, round=survey, answers=clean_scores, **group)
    FreeText.objects.bulk_create(
        [
            FreeText(kommune_id=survey.kommune_id, round=survey, question=key, text=text, **group)
            for key, text in clean_texts.items()
        ]
    )
    respondent.has_answered = True
    respondent.save(update_fields=["has_answered"])
    return Receipt(scored=len(clean_scores), texts=len(clean_texts))
