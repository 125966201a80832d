"""Every write of the oversikt app: notifications (in-app and e-mail), preferences, and
the oppfølgingsbrudd detection that turns findings into alarms exactly once.

Notifications never carry the child's name or case content: the in-app text names the
event and the case number, the e-mail only the kind of event and a link. A person is
notified about a case only if the access policy lets them see it, so nobody outside
barnevern ever learns of barnevern involvement from a notification.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bti import policy
from bti.languages import in_language_of
from bti.models import MembershipRole, User
from bti.outbox import enqueue
from bti.selectors import unit_people
from oversikt import rules
from oversikt.models import (
    Alarm,
    AlarmRule,
    EmailMode,
    Notification,
    NotificationKind,
    NotificationPreference,
)

# --- Notifications --------------------------------------------------------------------


def email_mode_of(user_id: int) -> str:
    pref = NotificationPreference.objects.filter(user_id=user_id).values_list("email_mode", flat=True).first()
    return pref or EmailMode.IMMEDIATE


def notify(
    *,
    user: User,
    kind: str,
    text: str,
    case_id: int | None = None,
    key: str = "",
    alarm: Alarm | None = None,
    now: datetime | None = None,
) -> Notification | None:
    """Put one notification in ``user``'s centre and queue its e-mail after commit.

    Returns None (and writes nothing) when the user is inactive, may not see the case,
    or already got the notification with this ``key``."""
    if not user.is_active or user.kommune_id is None:
        return None
    if case_id is not None and not policy.cases_visible_to(user).filter(pk=case_id).exists():
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                kommune_id=user.kommune_id,
                user=user,
                kind=kind,
                text=text[:300],
                case_id=case_id,
                key=key,
                alarm=alarm,
                created_at=now or timezone.now(),
            )
    except IntegrityError:
        return None  # the same event already reached this person
    if email_mode_of(user.pk) == EmailMode.IMMEDIATE:
        from oversikt.tasks import send_notification_email

        enqueue(send_notification_email, notification.pk)
    return notification


def _case_text(message: str, case_id: int) -> str:
    return message % {"case": case_id}


def notify_handover_proposed(*, proposal: Any, actor: User) -> Notification | None:
    """«Du er foreslått som stafettholder» (called by stafettlogg.services.handover_propose)."""
    if proposal.user_id == actor.pk:
        return None
    return notify(
        user=proposal.user,
        kind=NotificationKind.HANDOVER_PROPOSED,
        text=_case_text(
            _("Du er foreslått som stafettholder i sak %(case)s. Svar på forslaget i saken."), proposal.case_id
        ),
        case_id=proposal.case_id,
        key=f"stafett_foreslatt:{proposal.pk}",
    )


def notify_became_stafettholder(*, holder: Any, actor: User) -> Notification | None:
    """«Du er stafettholder» (called when a handover is accepted or a first holder is named)."""
    if holder.user_id == actor.pk:
        return None
    return notify(
        user=holder.user,
        kind=NotificationKind.BECAME_HOLDER,
        text=_case_text(_("Du er nå stafettholder i sak %(case)s."), holder.case_id),
        case_id=holder.case_id,
        key=f"stafett_overtatt:{holder.pk}",
    )


def notify_meeting(
    *,
    actor: User,
    case_id: int,
    meeting_id: int,
    user_ids: list[int],
    changed: bool = False,
    cancelled: bool = False,
    version: int = 1,
) -> list[Notification]:
    """A meeting invitation, a change of it or its cancellation (samarbeid.services calls
    it). Each version of the meeting reaches a person once (the key names the version); a
    newer message about the meeting makes the older ones read, so the bell shows the latest."""
    if cancelled:
        kind = NotificationKind.MEETING_CANCELLED
        text = _("Samarbeidsmøtet i sak %(case)s er avlyst. Fjern det fra kalenderen din.")
    elif changed:
        kind = NotificationKind.MEETING_CHANGED
        text = _("Et samarbeidsmøte i sak %(case)s er endret. Se nytt tidspunkt og sted i saken.")
    else:
        kind = NotificationKind.MEETING_INVITED
        text = _("Du er invitert til et samarbeidsmøte i sak %(case)s.")
    if changed or cancelled:
        notifications_done(key_prefixes=[f"{k}:{meeting_id}:" for k in MEETING_KINDS])
    sent = []
    for user in User.objects.filter(pk__in=user_ids).exclude(pk=actor.pk):
        with in_language_of(user):
            message = _case_text(str(text), case_id)
        n = notify(user=user, kind=kind, text=message, case_id=case_id, key=f"{kind}:{meeting_id}:{version}")
        if n is not None:
            sent.append(n)
    return sent


MEETING_KINDS = (NotificationKind.MEETING_INVITED, NotificationKind.MEETING_CHANGED, NotificationKind.MEETING_CANCELLED)


def notify_consent_withdrawn(*, actor: User, case_id: int, event_id: int, user_ids: list[int]) -> list[Notification]:
    """«Et samtykke er trukket tilbake» to those who carry the case (consent.services calls
    it); the recipient units lose their access on the next request, so they are not told here."""
    sent = []
    for user in User.objects.filter(pk__in=user_ids).exclude(pk=actor.pk):
        with in_language_of(user):
            text = _case_text(
                _("Et samtykke i sak %(case)s er trukket tilbake. Deling med mottakeren er stanset."), case_id
            )
        n = notify(
            user=user,
            kind=NotificationKind.CONSENT_WITHDRAWN,
            text=text,
            case_id=case_id,
            key=f"samtykke_trukket:{event_id}",
        )
        if n is not None:
            sent.append(n)
    return sent


# The reminder before a tiltak's evaluation date (issue 17 item 4); «forfalt» is the
# oppfølgingsbrudd rule of the same name.
EVALUATION_REMINDER_DAYS = 7


def notify_evaluations_due(*, kommune_id: int, now: datetime | None = None) -> int:
    """The daily reminder «Et tiltak skal evalueres snart» to the tiltak's responsible
    person (else the stafettholder), 7 days before its evaluation date. Idempotent: one
    notification per tiltak and evaluation date, however often the beat runs."""
    from oversikt import sources

    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = sources.measures_evaluation_due(
        kommune_id=kommune_id, today=today, until=today + timedelta(days=EVALUATION_REMINDER_DAYS)
    )
    if rows is None:
        raise LookupError("measures_evaluation_due has no source (samarbeid.selectors)")
    users = {u.pk: u for u in User.objects.filter(pk__in={r["user_id"] for r in rows if r.get("user_id")})}
    sent = 0
    for row in rows:
        user = users.get(row.get("user_id") or 0)
        if user is None:
            continue
        with in_language_of(user):
            text = _("Et tiltak i sak %(case)s skal evalueres innen %(date)s.") % {
                "case": row["case_id"],
                "date": row["evaluation_date"].strftime("%d.%m.%Y"),
            }
        n = notify(
            user=user,
            kind=NotificationKind.EVALUATION_SOON,
            text=text,
            case_id=int(row["case_id"]),
            key=f"evaluering_snart:{row['measure_id']}:{row['evaluation_date']}",
            now=now,
        )
        sent += n is not None
    return sent


def notifications_done(
    *,
    key_prefixes: list[str] | tuple[str, ...] = (),
    keys: list[str] | tuple[str, ...] = (),
    user_id: int | None = None,
) -> int:
    """The act a notification asks for is done: its notifications are marked read (for
    everyone told, or only ``user_id``). Called in the act's transaction by the service
    that does it (accepting a handover, registering the evaluation, opening the meeting,
    answering a transition, renewing a consent). Prefixes end with «:» so that
    ``tiltak:1:`` never matches ``tiltak:12:``."""
    condition = Q(key__in=list(keys)) if keys else Q()
    for prefix in key_prefixes:
        assert prefix.endswith(":"), prefix
        condition |= Q(key__startswith=prefix)
    if not condition:
        return 0
    rows = Notification.objects.filter(condition, read_at__isnull=True)
    if user_id is not None:
        rows = rows.filter(user_id=user_id)
    return rows.update(read_at=timezone.now())


def handover_answered(*, proposal: Any) -> int:
    """A handover proposal was accepted, declined or withdrawn: «Du er foreslått som
    stafettholder» has been answered (stafettlogg calls it through the core registry)."""
    return notifications_done(keys=[f"stafett_foreslatt:{proposal.pk}"])


def notify_measure_assigned(*, actor: User, case_id: int, measure_id: int, user_id: int) -> Notification | None:
    """«Du er ansvarlig for et tiltak» (for samarbeid.services to call)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or user.pk == actor.pk:
        return None
    return notify(
        user=user,
        kind=NotificationKind.MEASURE_ASSIGNED,
        text=_case_text(_("Du er ansvarlig for et tiltak i sak %(case)s."), case_id),
        case_id=case_id,
        key=f"tiltak_tildelt:{measure_id}:{user_id}",
    )


# What the unit is told, by event (issue 17 item 3); the texts name only the case number.
UNIT_EVENTS = {
    "basis": gettext_lazy("Sak %(case)s er delt med %(unit)s. Se «Saker delt med oss»."),
    "transition": gettext_lazy("Sak %(case)s er foreslått overført til %(unit)s. Svar på overgangen i saken."),
    "measure": gettext_lazy("%(unit)s er ansvarlig for et tiltak i sak %(case)s."),
}


def notify_unit(
    *, actor: User, case_id: int, unit_id: int, event: str, key: str, skip_user_ids: tuple[int, ...] = ()
) -> list[Notification]:
    """Tell every case worker of a unit that a case now involves it: it got a basis (a
    consent covering it), a transition to it arrived, or a tiltak was assigned to it. Only
    those the policy lets see the case are told (``notify`` checks); ``key`` once per event."""
    from bti.models import Unit

    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        return []
    sent = []
    for user in unit_people(unit_id, policy.CASE_ROLES, exclude_user_id=actor.pk):
        if user.pk in skip_user_ids:
            continue
        with in_language_of(user):
            text = str(UNIT_EVENTS[event]) % {"case": case_id, "unit": unit.name}
        n = notify(user=user, kind=NotificationKind.SHARED, text=text, case_id=case_id, key=f"enhet:{event}:{key}")
        if n is not None:
            sent.append(n)
    return sent


def own_notification(actor: User, notification_id: Any) -> Notification:
    """The actor's own notification, or 404 (the same for missing and another person's)."""
    try:
        pk = int(notification_id)
    except (TypeError, ValueError):
        raise Http404 from None
    notification = Notification.objects.filter(pk=pk, user_id=actor.pk).first()
    if notification is None:
        raise Http404
    return notification


@transaction.atomic
def notification_mark_read(*, actor: User, notification_id: Any) -> Notification:
    notification = own_notification(actor, notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: User) -> int:
    return Notification.objects.filter(user_id=actor.pk, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def preference_set(*, actor: User, email_mode: str) -> NotificationPreference:
    if email_mode not in EmailMode.values:
        raise ValidationError({"email_mode": _("Velg hvordan du vil få e-post om varsler.")})
    pref, _created = NotificationPreference.objects.update_or_create(user=actor, defaults={"email_mode": email_mode})
    return pref


def notification_link(notification_id: int) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("notification-open", kwargs={"notification_id": notification_id})


EMAIL_FOOTER = gettext_lazy(
    "Av personvernhensyn står det ikke noe om barnet eller saken i denne e-posten. "
    "Logg inn i BTI-samhandling for å lese mer."
)


@transaction.atomic
def email_send_notification(*, notification_id: int) -> bool:
    """Send one notification's e-mail: the kind of event and a link, nothing about the
    child or the case. Idempotent (``emailed_at``); False when there is nothing to send."""
    notification = Notification.objects.select_for_update().select_related("user").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None or not notification.user.is_active:
        return False
    with in_language_of(notification.user):  # the recipient's language (ADR 0030)
        _send_notification_mail(notification)
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
    return True


def _send_notification_mail(notification: Notification) -> None:
    label = NotificationKind(notification.kind).label
    send_mail(
        subject=_("Nytt varsel i BTI-samhandling"),
        message=_(
            "Hei!\n\nDu har et nytt varsel i BTI-samhandling: %(label)s.\n\nÅpne varselet: %(link)s\n\n%(footer)s\n"
        )
        % {"label": label, "link": notification_link(notification.pk), "footer": str(EMAIL_FOOTER)},
        from_email=None,
        recipient_list=[notification.user.email],
    )


# An immediate e-mail not sent after this long lost its task (e.g. a broker that lost its
# queue) and is queued again; after a day it is left to the notification centre.
UNSENT_AFTER = timedelta(minutes=10)
UNSENT_UNTIL = timedelta(days=1)


def emails_unsent(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Notifications whose immediate e-mail should have gone out but has not."""
    now = now or timezone.now()
    digest_users = NotificationPreference.objects.exclude(email_mode=EmailMode.IMMEDIATE).values("user_id")
    return list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            read_at__isnull=True,
            created_at__lt=now - UNSENT_AFTER,
            created_at__gte=now - UNSENT_UNTIL,
            user__is_active=True,
        )
        .exclude(user_id__in=digest_users)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def email_send_digest(*, user_id: int) -> int:
    """One e-mail with the number of new notifications since the last digest. Idempotent:
    the notifications it covers are marked as e-mailed in the same transaction."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or email_mode_of(user_id) != EmailMode.DIGEST:
        return 0
    pending = list(
        Notification.objects.select_for_update()
        .filter(user_id=user_id, emailed_at__isnull=True, read_at__isnull=True)
        .values_list("pk", flat=True)
    )
    if not pending:
        return 0
    with in_language_of(user):  # the recipient's language (ADR 0030)
        _send_digest_mail(user, len(pending))
    Notification.objects.filter(pk__in=pending).update(emailed_at=timezone.now())
    return len(pending)


def _send_digest_mail(user: User, count: int) -> None:
    send_mail(
        subject=_("Dine varsler i BTI-samhandling"),
        message=_("Hei!\n\nDu har %(count)s nye varsler i BTI-samhandling.\n\nSe varslene: %(link)s\n\n%(footer)s\n")
        % {
            "count": count,
            "link": settings.SITE_URL.rstrip("/") + reverse("notifications"),
            "footer": str(EMAIL_FOOTER),
        },
        from_email=None,
        recipient_list=[user.email],
    )


# --- Oppfølgingsbrudd -----------------------------------------------------------------


@transaction.atomic
def detection_request(*, kommune_id: int) -> None:
    """«Kjør kontroll nå»: the daily detection and fresh numbers for one kommune, in the
    background (the caller has checked that the actor leads the kommune)."""
    from oversikt.tasks import detect_for_kommune, refresh_kommune_facts

    enqueue(detect_for_kommune, kommune_id)
    enqueue(refresh_kommune_facts, kommune_id)


ALARM_KIND = {
    AlarmRule.EVALUATION_OVERDUE: NotificationKind.EVALUATION_DUE,
    AlarmRule.CONSENT_EXPIRING: NotificationKind.CONSENT_EXPIRING,
}


@dataclass
class DetectionResult:
    findings: int = 0
    new_alarms: int = 0
    notifications: int = 0
    resolved: int = 0
    skipped_rules: list[str] = field(default_factory=list)


def _alarm_text(rule: str, case_id: int, *, to_leader: bool) -> str:
    label = AlarmRule(rule).label
    if to_leader:
        return _("Oppfølgingsbrudd i sak %(case)s i din enhet: %(label)s.") % {"case": case_id, "label": label}
    return _("Oppfølgingsbrudd i sak %(case)s: %(label)s.") % {"case": case_id, "label": label}


def _notify_leaders(alarm: Alarm, now: datetime, skip_user_id: int | None) -> int:
    sent = 0
    for leader in unit_people(alarm.unit_id, [MembershipRole.LEDER], day=timezone.localdate(now)):
        if leader.pk == skip_user_id:
            continue
        if notify(
            user=leader,
            kind=ALARM_KIND.get(alarm.rule, NotificationKind.ALARM),  # type: ignore[call-overload]
            text=_alarm_text(alarm.rule, alarm.case_id, to_leader=True),
            case_id=alarm.case_id,
            key=f"alarm:{alarm.key}:leder",
            alarm=alarm,
            now=now,
        ):
            sent += 1
    return sent


def _new_alarm(kommune_id: int, finding: rules.Finding, now: datetime) -> Alarm | None:
    try:
        with transaction.atomic():
            return Alarm.objects.create(
                kommune_id=kommune_id,
                case_id=finding.case_id,
                unit_id=finding.unit_id,
                rule=finding.rule,
                key=finding.key,
                detected_at=now,
            )
    except IntegrityError:
        return None  # a concurrent run raised it first


@transaction.atomic
def detect_followup_breaks(*, kommune_id: int, now: datetime | None = None) -> DetectionResult:
    """Run every oppfølgingsbrudd rule for one kommune. A new finding becomes an alarm
    and notifies the stafettholder; once the grace period has passed and the finding
    still holds, the unit leader is notified too. Findings that no longer hold are
    marked resolved. Idempotent: a finding's key is unique, and so is each notification."""
    now = now or timezone.now()
    findings, skipped = rules.all_findings(kommune_id, now)
    limits = rules.limits_for(kommune_id)
    result = DetectionResult(findings=len(findings), skipped_rules=skipped)
    keys = [f.key for f in findings]
    existing = {a.key: a for a in Alarm.objects.filter(kommune_id=kommune_id, key__in=keys)}
    users = {u.pk: u for u in User.objects.filter(pk__in={f.first_recipient_id for f in findings} - {None})}
    for finding in findings:
        alarm = existing.get(finding.key)
        first = users.get(finding.first_recipient_id) if finding.first_recipient_id else None
        if alarm is None:
            alarm = _new_alarm(kommune_id, finding, now)
            if alarm is None:
                continue
            result.new_alarms += 1
            told = None
            if first is not None:
                told = notify(
                    user=first,
                    kind=ALARM_KIND.get(finding.rule, NotificationKind.ALARM),  # type: ignore[call-overload]
                    text=_alarm_text(finding.rule, finding.case_id, to_leader=False),
                    case_id=finding.case_id,
                    key=f"alarm:{finding.key}",
                    alarm=alarm,
                    now=now,
                )
                result.notifications += int(told is not None)
            if told is None:
                # Nobody on the case can act: the unit leader is told at once.
                result.notifications += _notify_leaders(alarm, now, None)
                alarm.leader_notified_at = now
                alarm.save(update_fields=["leader_notified_at"])
                continue
        if alarm.resolved_at is not None or alarm.leader_notified_at is not None:
            continue
        grace = timedelta(days=limits[finding.level].leader_grace_days)
        if alarm.detected_at + grace <= now:
            result.notifications += _notify_leaders(alarm, now, finding.first_recipient_id)
            alarm.leader_notified_at = now
            alarm.save(update_fields=["leader_notified_at"])
    result.resolved = (
        Alarm.objects.filter(kommune_id=kommune_id, resolved_at__isnull=True)
        .exclude(key__in=keys)
        .exclude(rule__in=skipped)
        .update(resolved_at=now)
    )
    return result
