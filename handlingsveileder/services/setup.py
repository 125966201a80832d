"""The kommune default guide (from the BTI template) and one guide per service."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from bti.models import DEFAULT_CATEGORY, Kommune, Membership, MembershipRole, Service, ServiceCategory, User
from handlingsveileder import default_template, kinds, rules
from handlingsveileder.actions import clean_actions
from handlingsveileder.models import (
    DeadlineFrom,
    GuideVersion,
    Handlingsveileder,
    Step,
    Tool,
    VersionStatus,
)


def _create_steps(version: GuideVersion, levels: dict[int, list[dict[str, Any]]]) -> None:
    for level, steps in levels.items():
        for position, data in enumerate(steps, 1):
            step = Step.objects.create(
                kommune_id=version.kommune_id,
                version=version,
                level=level,
                position=position,
                title=data["title"],
                summary=data.get("summary", ""),
                what=data.get("what", ""),
                how=data.get("how", ""),
                who=data.get("who", ""),
                checklist=list(data.get("checklist", [])),
                title_nn=data.get("title_nn", ""),
                summary_nn=data.get("summary_nn", ""),
                what_nn=data.get("what_nn", ""),
                how_nn=data.get("how_nn", ""),
                who_nn=data.get("who_nn", ""),
                checklist_nn=list(data.get("checklist_nn", [])),
                deadline_days=data.get("deadline_days"),
                deadline_from=data.get("deadline_from") or DeadlineFrom.LEVEL,
                completed_by_actions=clean_actions(data.get("completed_by_actions", [])),
            )
            for tool_position, tool in enumerate(data.get("tools", []), 1):
                Tool.objects.create(
                    kommune_id=version.kommune_id,
                    step=step,
                    position=tool_position,
                    title=tool["title"],
                    title_nn=tool.get("title_nn", ""),
                    url=tool["url"],
                )


@transaction.atomic
def ensure_kommune_default(kommune: Kommune, *, actor: User | None = None) -> Handlingsveileder:
    """The kommune's default guide, published from the BTI default template on first use. Idempotent."""
    # In the kommune's administrative language; from then on the texts are the kommune's own.
    with translation.override(kommune.language or "nb"):
        name, note, steps = _("Kommunens standard (BTI)"), _("BTI-standardmalen."), default_template.steps()
    guide, _created = Handlingsveileder.objects.get_or_create(
        kommune=kommune, service=None, defaults={"name": name, "category": "basis"}
    )
    if not GuideVersion.objects.filter(guide=guide).exists():
        creator = actor or User.objects.filter(kommune=kommune).order_by("pk").first()
        if creator is None:
            return guide
        version = GuideVersion.objects.create(kommune=kommune, guide=guide, number=1, created_by=creator, note=note)
        _create_steps(version, steps)
        version.status = VersionStatus.PUBLISHED
        version.published_by = creator
        version.published_at = timezone.now()
        version.save(update_fields=["status", "published_by", "published_at"])
    return guide


def guide_for_service(service: Service) -> Handlingsveileder:
    guide = Handlingsveileder.objects.filter(kommune_id=service.kommune_id, service=service).first()
    if guide is not None:
        return guide
    with translation.override(service.kommune.language or "nb"):
        name = _("Handlingsveileder – %(service)s") % {"service": service.name}
    guide, _created = Handlingsveileder.objects.get_or_create(
        kommune_id=service.kommune_id,
        service=service,
        defaults={"name": name, "category": service.category or DEFAULT_CATEGORY.get(service.kind, "basis")},
    )
    return guide


def grant_editors(guide: Handlingsveileder) -> int:
    """Give the fagadministratorer of the guide's service the edit permission (object permission)."""
    if guide.service_id is None:
        return 0
    users = User.objects.filter(
        pk__in=Membership.objects.filter(role=MembershipRole.FAGADMIN, unit__service_id=guide.service_id).values(
            "user_id"
        )
    )
    count = 0
    for user in users:
        assign_perm(rules.EDIT_PERM, user, guide)
        count += 1
    return count


def _bulk_steps(version: GuideVersion, levels: dict[int, list[dict[str, Any]]]) -> None:
    """``_create_steps`` in two INSERTs (setup runs for every service of every kommune)."""
    rows: list[tuple[Step, list[dict[str, Any]]]] = []
    for level, steps in levels.items():
        for position, data in enumerate(steps, 1):
            step = Step(
                kommune_id=version.kommune_id,
                version=version,
                level=level,
                position=position,
                title=data["title"],
                summary=data.get("summary", ""),
                what=data.get("what", ""),
                how=data.get("how", ""),
                who=data.get("who", ""),
                checklist=list(data.get("checklist", [])),
                title_nn=data.get("title_nn", ""),
                summary_nn=data.get("summary_nn", ""),
                what_nn=data.get("what_nn", ""),
                how_nn=data.get("how_nn", ""),
                who_nn=data.get("who_nn", ""),
                checklist_nn=list(data.get("checklist_nn", [])),
                deadline_days=data.get("deadline_days"),
                deadline_from=data.get("deadline_from") or DeadlineFrom.LEVEL,
                completed_by_actions=clean_actions(data.get("completed_by_actions", [])),
            )
            rows.append((step, data.get("tools", [])))
    Step.objects.bulk_create([step for step, _tools in rows])
    Tool.objects.bulk_create(
        [
            Tool(kommune_id=version.kommune_id, step=step, position=i, title=tool["title"], url=tool["url"])
            for step, tools in rows
            for i, tool in enumerate(tools, 1)
        ]
    )


def publish_kind_template(guide: Handlingsveileder, *, actor: User | None = None) -> GuideVersion | None:
    """Give a service guide without any version the default template of its kind (basis,
    hjelpe, voksen), published as version 1. A guide the kommune has worked on is left alone."""
    if guide.is_default or GuideVersion.objects.filter(guide=guide).exists():
        return None
    creator = actor or User.objects.filter(kommune_id=guide.kommune_id).order_by("pk").first()
    if creator is None:
        return None
    now = timezone.now()
    with translation.override(guide.kommune.language or "nb"):
        note = _("%(name)s (standard for %(kind)s).") % {
            "name": kinds.NAMES.get(ServiceCategory(guide.category), guide.name)
            if guide.category in ServiceCategory.values
            else guide.name,
            "kind": guide.get_category_display().lower(),
        }
        template = kinds.template_for(guide.category)
    version = GuideVersion.objects.create(
        kommune_id=guide.kommune_id,
        guide=guide,
        number=1,
        created_by=creator,
        note=note,
    )
    _bulk_steps(version, template)
    GuideVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.PUBLISHED, published_by=creator, published_at=now
    )
    version.refresh_from_db()
    return version


@transaction.atomic
def kommune_setup(kommune: Kommune) -> list[Handlingsveileder]:
    """Default guide plus one guide per service, each with the template of its kind and its
    fagadministratorer as editors. Idempotent: a guide with versions is never touched."""
    guides = [ensure_kommune_default(kommune)]
    for service in Service.objects.filter(kommune=kommune):
        guide = guide_for_service(service)
        publish_kind_template(guide)
        grant_editors(guide)
        guides.append(guide)
    return guides


def published_version(guide: Handlingsveileder) -> GuideVersion | None:
    return GuideVersion.objects.filter(guide=guide, status=VersionStatus.PUBLISHED).first()


def effective_version(guide: Handlingsveileder) -> GuideVersion | None:
    """The published version a service uses: its own, or else the kommune default."""
    own = published_version(guide)
    if own is not None or guide.is_default:
        return own
    default = ensure_kommune_default(guide.kommune)
    return published_version(default)
