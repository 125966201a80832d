"""The kommune's settings: age rules, follow-up limits, information categories,
ID-providers and their Entra ID group mappings. The tables belong to the apps that use
them (consent, oversikt, the core); the writes and their security events are here."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bti.models import Kommune, MembershipRole, Unit, User
from bti.security.models import OidcKind, OidcProvider
from kommuneadmin.models import GROUP_KOMMUNE_ROLES, GroupMapping, SyncedAccess
from kommuneadmin.services.common import admin_kommune, record_change, scoped

# --- Age rules ------------------------------------------------------------------------

AGE_FIELDS = ("inform_from", "great_weight_from", "consents_alone_from", "health_consents_alone_from")


def age_snapshot(rules: Any) -> dict[str, int]:
    return {name: int(getattr(rules, name)) for name in AGE_FIELDS}


def validate_age_rules(values: dict[str, int]) -> None:
    """The bounds of the law (docs/adr/0015): the child is heard from 7 at the latest
    (barneloven § 31), its view weighs more from 12 at the latest; a young person consents
    alone from 15 to 18 (kommunal practice, Datatilsynet's 18 as the upper bound), and to
    health information from 16 (pasient- og brukerrettighetsloven § 4-3) to 18."""
    errors: dict[str, str] = {}
    inform = values["inform_from"]
    weight = values["great_weight_from"]
    if not 0 <= inform <= 7:
        errors["inform_from"] = _("Barnet skal høres fra 7 år (barneloven § 31). Velg en alder fra 0 til 7.")
    if not 0 <= weight <= 12:
        errors["great_weight_from"] = _("Stor vekt på barnets mening gjelder senest fra 12 år. Velg 0 til 12.")
    elif weight < inform and "inform_from" not in errors:
        errors["great_weight_from"] = _("Stor vekt kan ikke gjelde før barnet informeres og høres.")
    if not 15 <= values["consents_alone_from"] <= 18:
        errors["consents_alone_from"] = _("Velg en alder fra 15 til 18 år.")
    if not 16 <= values["health_consents_alone_from"] <= 18:
        errors["health_consents_alone_from"] = _(
            "Helserettslig myndighetsalder er 16 år (pasient- og brukerrettighetsloven § 4-3). Velg 16, 17 eller 18."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def age_rules_update(*, actor: User, request: HttpRequest | None = None, **values: int) -> Any:
    """Change the kommune's age rules; the next consent registered follows them."""
    from consent.models import AgeRules

    kommune_id = admin_kommune(actor)
    missing = [name for name in AGE_FIELDS if values.get(name) is None]
    if missing:
        raise ValidationError(dict.fromkeys(missing, _("Skriv en alder i hele år.")))
    clean = {name: int(values[name]) for name in AGE_FIELDS}
    validate_age_rules(clean)
    rules = AgeRules.objects.select_for_update().filter(kommune_id=kommune_id).first() or AgeRules(
        kommune_id=kommune_id
    )
    before = age_snapshot(rules)
    for name, value in clean.items():
        setattr(rules, name, value)
    rules.save()
    after = age_snapshot(rules)
    if after != before:
        record_change(
            actor=actor,
            action="age_rules_updated",
            obj="age_rules",
            obj_id=rules.pk,
            before=before,
            after=after,
            request=request,
        )
    return rules


# --- Follow-up limits (oversikt's Oppfølgingsinnstillinger) -----------------------------

FOLLOWUP_FIELDS = ("inactivity_days", "handover_days", "leader_grace_days")


def followup_rows(kommune_id: int) -> dict[int, dict[str, int]]:
    """Limits per level as the rules use them (defaults where the kommune set none)."""
    from oversikt.models import FollowUpSettings

    stored = {row.level: row for row in FollowUpSettings.objects.filter(kommune_id=kommune_id)}
    rows = {}
    for level in range(4):
        row = stored.get(level) or FollowUpSettings(kommune_id=kommune_id, level=level)
        rows[level] = {name: int(getattr(row, name)) for name in FOLLOWUP_FIELDS}
    return rows


@transaction.atomic
def followup_update(
    *,
    actor: User,
    levels: dict[int, dict[str, int | None]],
    decision_deadline_days: int | None,
    request: HttpRequest | None = None,
) -> None:
    """The limits of the oppfølgingsbrudd rules per level, and the nivå 0 deadline."""
    from oversikt.models import FollowUpSettings

    kommune_id = admin_kommune(actor)
    errors: dict[str, str] = {}
    if decision_deadline_days is None or not 1 <= decision_deadline_days <= 120:
        errors["decision_deadline_days"] = _("Skriv et antall dager fra 1 til 120.")
    for level in range(4):
        for name in FOLLOWUP_FIELDS:
            value = levels.get(level, {}).get(name)
            if value is None or not 1 <= value <= 365:
                errors[f"{name}_{level}"] = _("Skriv et antall dager fra 1 til 365.")
    if errors:
        raise ValidationError(errors)
    kommune = Kommune.objects.select_for_update().get(pk=kommune_id)
    before: dict[str, Any] = {
        "decision_deadline_days": kommune.decision_deadline_days,
        "levels": followup_rows(kommune_id),
    }
    kommune.decision_deadline_days = int(decision_deadline_days)  # type: ignore[arg-type]
    kommune.save(update_fields=["decision_deadline_days"])
    for level in range(4):
        FollowUpSettings.objects.update_or_create(
            kommune_id=kommune_id,
            level=level,
            defaults={name: int(levels[level][name]) for name in FOLLOWUP_FIELDS},  # type: ignore[arg-type]
        )
    after: dict[str, Any] = {
        "decision_deadline_days": kommune.decision_deadline_days,
        "levels": followup_rows(kommune_id),
    }
    if after != before:
        record_change(
            actor=actor,
            action="followup_updated",
            obj="followup_settings",
            obj_id=kommune_id,
            before=before,
            after=after,
            request=request,
        )


@transaction.atomic
def kommune_language_update(*, actor: User, language: str, request: HttpRequest | None = None) -> None:
    """The kommune's administrative language (målvedtak): the default for its staff who have
    not chosen one, and for its PDFs and e-mails (ADR 0030)."""
    from bti.models import Language

    if language not in Language.values:
        raise ValidationError({"language": _("Velg et av språkene i listen.")})
    kommune = Kommune.objects.select_for_update().get(pk=admin_kommune(actor))
    before = kommune.language
    if before == language:
        return
    kommune.language = language
    kommune.save(update_fields=["language"])
    record_change(
        actor=actor,
        action="kommune_language_updated",
        obj="kommune",
        obj_id=kommune.pk,
        before={"language": before},
        after={"language": language},
        request=request,
    )


# --- Information categories -----------------------------------------------------------

RESERVED_CODES = {"barnevern", "*"}


def _category_snapshot(category: Any) -> dict[str, Any]:
    return {
        "code": category.code,
        "name": category.name,
        "name_nn": category.name_nn,
        "is_health": category.is_health,
        "sort": category.sort,
    }


@transaction.atomic
def category_create(
    *, actor: User, name: str, is_health: bool = False, request: HttpRequest | None = None, name_nn: str = ""
) -> Any:
    """A category of the kommune's own (its code follows from the name, and never changes:
    consents and entries refer to it)."""
    from consent.categories import DEFAULT_CATEGORIES
    from consent.models import InformationCategory

    kommune_id = admin_kommune(actor)
    clean = " ".join(name.split())
    if not clean:
        raise ValidationError({"name": _("Skriv et navn på kategorien.")})
    code = slugify(clean.replace("æ", "ae").replace("ø", "o").replace("å", "a"))[:40] or "kategori"
    default_codes = {c for c, *_rest in DEFAULT_CATEGORIES}
    if code in RESERVED_CODES or code in default_codes:
        raise ValidationError({"name": _("Navnet er for likt en av standardkategoriene. Velg et annet navn.")})
    if InformationCategory.objects.filter(kommune_id=kommune_id, code=code).exists():
        raise ValidationError({"name": _("Kommunen har allerede en kategori med dette navnet.")})
    last = (
        InformationCategory.objects.filter(kommune_id=kommune_id)
        .order_by("-sort")
        .values_list("sort", flat=True)
        .first()
    )
    category = InformationCategory.objects.create(
        kommune_id=kommune_id,
        code=code,
        name=clean,
        name_nn=" ".join((name_nn or "").split())[:100],
        is_health=is_health,
        sort=max(10, (last or 0) + 1),
    )
    record_change(
        actor=actor,
        action="category_created",
        obj="information_category",
        obj_id=category.pk,
        after=_category_snapshot(category),
        request=request,
    )
    return category


@transaction.atomic
def category_rename(
    *,
    actor: User,
    code: str,
    name: str,
    is_health: bool | None = None,
    request: HttpRequest | None = None,
    name_nn: str | None = None,
) -> Any:
    """Rename one of the kommune's categories, or give a default category the kommune's own
    name (a kommune row with the default's code; whether it is health information stays)."""
    from consent.models import InformationCategory
    from consent.services import categories_for

    kommune_id = admin_kommune(actor)
    clean = " ".join(name.split())
    if not clean:
        raise ValidationError({"name": _("Skriv et navn på kategorien.")})
    current = {c.code: c for c in categories_for(kommune_id)}.get(code)
    if current is None:
        raise Http404
    before = _category_snapshot(current)
    # The optional nynorsk name (ADR 0030); ``None`` keeps the one it has.
    clean_nn = current.name_nn if name_nn is None else " ".join(name_nn.split())[:100]
    if current.kommune_id is None:
        current = InformationCategory.objects.create(
            kommune_id=kommune_id,
            code=current.code,
            name=clean,
            name_nn=clean_nn,
            is_health=current.is_health,
            sort=current.sort,
        )
    else:
        current.name = clean
        current.name_nn = clean_nn
        if is_health is not None:
            current.is_health = is_health
        current.save(update_fields=["name", "name_nn", "is_health"])
    after = _category_snapshot(current)
    if after != before:
        record_change(
            actor=actor,
            action="category_updated",
            obj="information_category",
            obj_id=current.pk,
            before=before,
            after=after,
            request=request,
        )
    return current


# --- ID-providers ---------------------------------------------------------------------

# A kommune names the environment variable that holds its client secret. Only this
# prefix: the secret is sent to the provider's token endpoint, and a provider pointed at
# another server must never be able to receive SECRET_KEY or the field encryption keys.
SECRET_ENV = re.compile(r"^OIDC_SECRET_[A-Z0-9_]{1,80}$")
PROVIDER_FIELDS = ("name", "kind", "issuer", "client_id", "client_secret_env", "required_acr", "scopes", "is_active")


def _provider_snapshot(provider: OidcProvider) -> dict[str, Any]:
    return {"slug": provider.slug, **{name: getattr(provider, name) for name in PROVIDER_FIELDS}}


def _clean_provider(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean = {name: values.get(name) for name in PROVIDER_FIELDS}
    for name in ("name", "issuer", "client_id", "client_secret_env", "scopes"):
        clean[name] = str(clean[name] or "").strip()
        if not clean[name]:
            errors[name] = _("Fyll ut feltet.")
    clean["required_acr"] = str(clean["required_acr"] or "").strip()
    clean["is_active"] = bool(clean["is_active"])
    if clean["kind"] not in OidcKind.values:
        errors["kind"] = _("Velg om leverandøren er for ansatte eller innbyggere.")
    issuer = str(clean["issuer"])
    if issuer and not issuer.startswith(("https://", "http://")):
        errors["issuer"] = _("Skriv adressen til leverandøren, for eksempel https://login.microsoftonline.com/…/v2.0.")
    elif issuer.startswith("http://") and django_settings.HTTPS:
        errors["issuer"] = _("Leverandøren må bruke https.")
    if clean["client_secret_env"] and not SECRET_ENV.match(clean["client_secret_env"]):
        errors["client_secret_env"] = _(
            "Navnet må begynne med OIDC_SECRET_ og bare ha store bokstaver, sifre og understrek."
        )
    if clean["scopes"] and "openid" not in clean["scopes"].split():
        errors["scopes"] = _("Listen må inneholde openid.")
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def provider_create(*, actor: User, slug: str, request: HttpRequest | None = None, **values: Any) -> OidcProvider:
    kommune_id = admin_kommune(actor)
    clean = _clean_provider(values)
    slug = slugify(slug or "")[:50]
    if not slug:
        raise ValidationError({"slug": _("Skriv et kortnavn med små bokstaver, sifre og bindestrek.")})
    if OidcProvider.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("Kortnavnet er i bruk. Velg et annet, for eksempel med kommunenavnet.")})
    provider = OidcProvider.objects.create(kommune_id=kommune_id, slug=slug, **clean)
    record_change(
        actor=actor,
        action="provider_created",
        obj="oidc_provider",
        obj_id=provider.pk,
        after=_provider_snapshot(provider),
        request=request,
    )
    return provider


@transaction.atomic
def provider_update(
    *, actor: User, provider_id: Any, request: HttpRequest | None = None, **values: Any
) -> OidcProvider:
    kommune_id = admin_kommune(actor)
    provider = scoped(OidcProvider.objects.select_for_update(), kommune_id, provider_id)
    before = _provider_snapshot(provider)
    for name, value in _clean_provider(values).items():
        setattr(provider, name, value)
    provider.save()
    after = _provider_snapshot(provider)
    if after != before:
        record_change(
            actor=actor,
            action="provider_updated",
            obj="oidc_provider",
            obj_id=provider.pk,
            before=before,
            after=after,
            request=request,
        )
    return provider


# --- Entra ID group mappings ----------------------------------------------------------


def _mapping_snapshot(mapping: GroupMapping) -> dict[str, Any]:
    return {
        "provider": mapping.provider_id,
        "group_id": mapping.group_id,
        "label": mapping.label,
        "unit": mapping.unit_id,
        "role": mapping.role,
        "kommune_role": mapping.kommune_role,
        "creates_users": mapping.creates_users,
    }


@transaction.atomic
def group_mapping_add(
    *,
    actor: User,
    provider_id: Any,
    group_id: str,
    label: str = "",
    unit_id: Any = None,
    role: str = "",
    kommune_role: str = "",
    creates_users: bool = False,
    request: HttpRequest | None = None,
) -> GroupMapping:
    kommune_id = admin_kommune(actor)
    provider = scoped(OidcProvider.objects.all(), kommune_id, provider_id)
    if provider.kind != OidcKind.STAFF:
        raise ValidationError({"__all__": _("Grupper kan bare kobles til en leverandør for ansatte.")})
    group = group_id.strip()
    if not group:
        raise ValidationError({"group_id": _("Skriv gruppens objekt-ID fra Entra ID.")})
    unit = None
    if kommune_role:
        if kommune_role not in {value for value, _label in GROUP_KOMMUNE_ROLES}:
            raise ValidationError({"kommune_role": _("Velg kommunalsjef, analytiker eller BTI-koordinator.")})
        if unit_id or role:
            raise ValidationError(
                {"__all__": _("Velg enten en rolle i en enhet eller en rolle i kommunen, ikke begge.")}
            )
    else:
        unit = Unit.objects.filter(
            kommune_id=kommune_id, pk=int(unit_id) if str(unit_id or "").isdigit() else 0
        ).first()
        if unit is None or not unit.is_active:
            raise ValidationError({"unit": _("Velg en aktiv enhet i kommunen.")})
        if role not in MembershipRole.values:
            raise ValidationError({"role": _("Velg ansatt, leder eller fagadministrator.")})
    if GroupMapping.objects.filter(
        provider=provider, group_id=group, unit=unit, role=role if unit else "", kommune_role=kommune_role
    ).exists():
        raise ValidationError({"group_id": _("Denne koblingen finnes allerede.")})
    mapping = GroupMapping.objects.create(
        kommune_id=kommune_id,
        provider=provider,
        group_id=group,
        label=label.strip(),
        unit=unit,
        role=role if unit else "",
        kommune_role=kommune_role,
        creates_users=creates_users,
        created_by=actor,
    )
    record_change(
        actor=actor,
        action="group_mapping_added",
        obj="group_mapping",
        obj_id=mapping.pk,
        after=_mapping_snapshot(mapping),
        request=request,
    )
    return mapping


@transaction.atomic
def group_mapping_remove(*, actor: User, mapping_id: Any, request: HttpRequest | None = None) -> int:
    """Remove a mapping; what it gave people at their logins ends now. Returns how many."""
    from kommuneadmin.services.entra import end_synced

    kommune_id = admin_kommune(actor)
    mapping = scoped(GroupMapping.objects.select_for_update(), kommune_id, mapping_id)
    before = _mapping_snapshot(mapping)
    ended = 0
    for synced in SyncedAccess.objects.filter(mapping=mapping).select_related(
        "membership", "membership__unit", "kommune_role", "user"
    ):
        end_synced(synced, actor=actor, request=request, reason="mapping_removed")
        ended += 1
    pk = mapping.pk
    mapping.delete()
    record_change(
        actor=actor,
        action="group_mapping_removed",
        obj="group_mapping",
        obj_id=pk,
        before=before,
        request=request,
        access_ended=ended,
    )
    return ended
