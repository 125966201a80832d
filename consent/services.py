"""Every state change of consents, involvements, meldinger and drøftinger (STYLE.md §1):
keyword-only, checks the access policy, one transaction, a stafettlogg entry each
(DESIGN.md invariant 6)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bti import policy
from bti.models import ServiceKind, Unit, User
from cases.models import Case, Child, Guardian
from consent import deidentify as deid
from consent.basis import valid_scopes
from consent.categories import BARNEVERN, DEFAULT_CATEGORIES, DEFAULT_CATEGORY
from consent.models import (
    AccessReview,
    AgeRules,
    AnonymDrofting,
    BarnevernMelding,
    Consent,
    ConsentDecision,
    ConsentEvent,
    ConsentEventKind,
    ConsentForm,
    ConsentScope,
    InformationCategory,
    Involvement,
    LegalBasis,
)
from stafettlogg.models import EntryKind
from stafettlogg.services import entry_append

# Opplysningsplikt til barnevernet (C-17): the laws and the conditions («grunn til å tro»).
LAWS: dict[str, str] = {
    "bvl_13_2": "Barnevernsloven § 13-2",
    "bhl_46": "Barnehageloven § 46",
    "hpl_33": "Helsepersonelloven § 33",
    "oppl": "Opplæringslova (opplysningsplikt til barnevernet)",
}
CONDITIONS: dict[str, str] = {
    "mishandling": "Grunn til å tro at barnet blir mishandlet i hjemmet eller utsatt for andre former for alvorlig omsorgssvikt",
    "sykdom": "Grunn til å tro at barnet har en livstruende eller annen alvorlig sykdom eller skade og ikke får behandling",
    "funksjonsnedsettelse": "Grunn til å tro at et barn med funksjonsnedsettelse ikke får dekket sitt særlige behov for behandling eller opplæring",
    "atferd": "Grunn til å tro at barnet viser alvorlige atferdsvansker",
    "menneskehandel": "Grunn til å tro at barnet er utsatt for menneskehandel",
}


# C-16: barnevern contact below the threshold of opplysningsplikt needs the consent of a
# child over 15 too, besides the parents'.
BARNEVERN_CHILD_CONSENTS_FROM = 15


def _locked(actor: User, case_id: Any, need: str) -> Case:
    return policy.access_case(actor, case_id, need, for_update=True)


def categories_for(kommune_id: int) -> list[InformationCategory]:
    """The kommune's categories: the defaults, replaced by a kommune row with the same code."""
    rows = list(
        InformationCategory.objects.filter(Q(kommune_id=kommune_id) | Q(kommune__isnull=True)).order_by("sort", "name")
    )
    if not any(row.kommune_id is None for row in rows):
        InformationCategory.objects.bulk_create(
            [
                InformationCategory(kommune=None, code=code, name=name, is_health=health, sort=sort)
                for code, name, health, sort in DEFAULT_CATEGORIES
            ],
            ignore_conflicts=True,
        )
        return categories_for(kommune_id)
    chosen: dict[str, InformationCategory] = {}
    for row in rows:
        if row.code not in chosen or row.kommune_id is not None:
            chosen[row.code] = row
    return sorted(chosen.values(), key=lambda c: (c.sort, c.name))


def age_of(case: Case, day: date | None = None) -> int | None:
    child: Child | None = case.child if case.child_id else None
    return child.age_on(day or timezone.localdate()) if child is not None else None


def _category_for(units: list[Unit] | set[Unit]) -> str:
    """An entry naming a barnevern unit is in the barnevern category, so it never reveals
    barnevern involvement to a reader outside it (C-21)."""
    return BARNEVERN if any(u.service.kind == ServiceKind.BARNEVERN for u in units) else DEFAULT_CATEGORY


def _entry(case: Case, actor: User, event: str, text: str, data: dict[str, Any], category: str = "") -> None:
    payload = {"hendelse": event, **data}
    if category:
        payload["kategori"] = category
    entry_append(case=case, actor=actor, kind=EntryKind.DELING, text=text, data=payload)


# --- Consent --------------------------------------------------------------------------


@transaction.atomic
def consent_register(
    *,
    actor: User,
    case_id: Any,
    decision: str,
    guardian_ids: list[int],
    by_young_person: bool,
    unit_ids: list[int],
    category_codes: list[str],
    purpose: str,
    form: str,
    oral_note: str = "",
    child_view: str = "",
    valid_from: date | None = None,
    valid_until: date | None = None,
    document: UploadedFile | None = None,
    renews_id: int | None = None,
) -> Consent:
    """Record a consent or a refusal (C-06) for recipient units and categories. A given
    consent makes the recipients involved on the basis of consent; the gate checks the
    consent itself on every request, so expiry needs no job."""
    case = _locked(actor, case_id, "manage_consent")
    from cases.selectors import guardians_of_case

    return _register(
        case=case, actor=actor, guardian_pool=guardians_of_case(actor, case), decision=decision,
        guardian_ids=guardian_ids, by_young_person=by_young_person, unit_ids=unit_ids,
        category_codes=category_codes, purpose=purpose, form=form, oral_note=oral_note, child_view=child_view,
        valid_from=valid_from, valid_until=valid_until, document=document, renews_id=renews_id,
    )  # fmt: skip


@transaction.atomic
def consent_register_by_family(
    *,
    view: Any,
    actor: User,
    decision: str,
    guardian_ids: list[int],
    by_young_person: bool,
    unit_ids: list[int],
    category_codes: list[str],
    purpose: str,
    child_view: str = "",
    valid_from: date | None = None,
    valid_until: date | None = None,
    renews_id: int | None = None,
) -> Consent:
    """The same write as ``consent_register``, given online by a guardian or the young
    person in the family portal (issue 14 item 3). ``view`` is the family's gate view
    (``bti.gate.open_family_case``): the family audience has already decided who this is;
    ``actor`` is the kommune's portal account the entry is written as. Form «digitalt»."""
    from bti.gate import FAMILY_ROLE

    if FAMILY_ROLE not in view.roles:
        raise ValidationError({"__all__": _("Bare familien selv kan samtykke i foreldreportalen.")})
    case = Case.objects.select_for_update().get(pk=view.case.pk)
    return _register(
        case=case, actor=actor, guardian_pool=Guardian.objects.filter(child_id=case.child_id or 0), decision=decision,
        guardian_ids=guardian_ids, by_young_person=by_young_person, unit_ids=unit_ids,
        category_codes=category_codes, purpose=purpose, form=ConsentForm.DIGITAL, child_view=child_view,
        valid_from=valid_from, valid_until=valid_until, renews_id=renews_id,
    )  # fmt: skip


def _register(
    *,
    case: Case,
    actor: User,
    guardian_pool: Any,
    decision: str,
    guardian_ids: list[int],
    by_young_person: bool,
    unit_ids: list[int],
    category_codes: list[str],
    purpose: str,
    form: str,
    oral_note: str = "",
    child_view: str = "",
    valid_from: date | None = None,
    valid_until: date | None = None,
    document: UploadedFile | None = None,
    renews_id: int | None = None,
) -> Consent:
    """The one write of a consent or refusal, after the caller has decided who may."""
    errors: dict[str, str] = {}
    if case.child_id is None:
        raise ValidationError({"__all__": _("Saken må være identifisert før samtykke kan registreres.")})
    if decision not in ConsentDecision.values:
        errors["decision"] = _("Velg om samtykket er gitt eller nektet.")
    rules = AgeRules.for_kommune(case.kommune_id)
    age = age_of(case)
    guardians = list(guardian_pool.filter(pk__in=guardian_ids or []))
    if len(guardians) != len(set(guardian_ids or [])):
        errors["guardians"] = _("Velg blant barnets foresatte.")
    without = [g.full_name for g in guardians if not g.has_parental_responsibility]
    if without:
        errors["guardians"] = _("%(names)s har ikke foreldreansvar og kan ikke samtykke for barnet.") % {
            "names": ", ".join(without)
        }
    units = list(
        Unit.objects.filter(pk__in=unit_ids or [], kommune_id=case.kommune_id, is_active=True).select_related("service")
    )
    if not unit_ids:
        errors["units"] = _("Velg minst én tjeneste som skal få opplysningene.")
    elif len(units) != len(set(unit_ids)):
        errors["units"] = _("Velg enheter i kommunen saken hører til.")
    elif any(u.pk == case.owner_unit_id for u in units):
        errors["units"] = _("Enheten som eier saken trenger ikke samtykke. Velg andre tjenester.")
    available = {c.code: c for c in categories_for(case.kommune_id)}
    chosen = [available[c] for c in dict.fromkeys(category_codes or []) if c in available]
    if not category_codes:
        errors["categories"] = _("Velg hvilke opplysninger samtykket gjelder.")
    elif len(chosen) != len(set(category_codes)):
        errors["categories"] = _("Velg blant kommunens opplysningskategorier.")
    if not purpose.strip():
        errors["purpose"] = _("Skriv hva opplysningene skal brukes til.")
    if form not in ConsentForm.values:
        errors["form"] = _("Velg hvordan samtykket ble gitt.")
    elif form == ConsentForm.ORAL and not oral_note.strip():
        errors["oral_note"] = _("Et muntlig samtykke krever et referat: skriv hva som ble sagt, og av hvem.")
    if decision == ConsentDecision.GIVEN:
        if valid_from is None:
            errors["valid_from"] = _("Skriv når samtykket gjelder fra.")
        if valid_until is None:
            errors["valid_until"] = _("Skriv når samtykket gjelder til.")
        elif valid_from is not None and valid_until < valid_from:
            errors["valid_until"] = _("Gyldig til kan ikke være før gyldig fra.")
    alone = age is not None and age >= rules.consents_alone_from
    health_alone = age is not None and age >= rules.health_consents_alone_from
    if not guardians and not by_young_person:
        errors.setdefault(
            "guardians", _("Velg hvem som gir samtykket: foresatte med foreldreansvar og/eller ungdommen.")
        )
    elif by_young_person and not guardians and not alone:
        errors.setdefault(
            "guardians",
            _("Barnet er under %(age)s år og kan ikke samtykke alene. Velg foresatte med foreldreansvar.")
            % {"age": rules.consents_alone_from},
        )
    if health_alone and any(c.is_health for c in chosen) and not by_young_person:
        errors.setdefault(
            "by_young_person",
            _("Ungdommen er %(age)s år og bestemmer selv over egne helseopplysninger. Ungdommen må samtykke.")
            % {"age": age},
        )
    if (
        decision == ConsentDecision.GIVEN
        and age is not None
        and age >= BARNEVERN_CHILD_CONSENTS_FROM
        and not by_young_person
        and any(u.service.kind == ServiceKind.BARNEVERN for u in units)
    ):
        errors.setdefault(
            "by_young_person",
            _("Barnet er %(age)s år: kontakt med barnevernet krever også barnets eget samtykke.") % {"age": age},
        )
    if age is not None and age >= rules.inform_from and not child_view.strip():
        errors["child_view"] = _("Barnet er %(age)s år: skriv barnets syn, eller hvorfor det ikke er hentet inn.") % {
            "age": age
        }
    renews = None
    if renews_id is not None:
        renews = Consent.objects.filter(case=case, pk=renews_id).first()
        if renews is None:
            errors["__all__"] = _("Fant ikke samtykket som skal fornyes.")
    if errors:
        raise ValidationError(errors)
    consent = Consent.objects.create(
        kommune_id=case.kommune_id,
        case=case,
        decision=decision,
        by_young_person=by_young_person,
        purpose=purpose.strip(),
        form=form,
        oral_note=oral_note.strip(),
        child_view=child_view.strip(),
        valid_from=valid_from if decision == ConsentDecision.GIVEN else None,
        valid_until=valid_until if decision == ConsentDecision.GIVEN else None,
        renews=renews,
        registered_by=actor,
    )
    if document is not None:
        consent.document = document
        consent.save(update_fields=["document"])
    consent.guardians.set(guardians)
    ConsentScope.objects.bulk_create(
        [
            ConsentScope(kommune_id=case.kommune_id, consent=consent, case=case, unit=unit, category=category)
            for unit in units
            for category in chosen
        ]
    )
    kind = ConsentEventKind.GIVEN if decision == ConsentDecision.GIVEN else ConsentEventKind.REFUSED
    ConsentEvent.objects.create(kommune_id=case.kommune_id, consent=consent, kind=kind, actor=actor)
    if renews is not None:
        ConsentEvent.objects.create(
            kommune_id=case.kommune_id, consent=renews, kind=ConsentEventKind.RENEWED, actor=actor,
            detail={"ny": consent.pk},
        )  # fmt: skip
    if decision == ConsentDecision.GIVEN:
        for unit in units:
            Involvement.objects.get_or_create(
                case=case,
                unit=unit,
                basis=LegalBasis.CONSENT,
                ended_at=None,
                defaults={"kommune_id": case.kommune_id, "started_by": actor},
            )
    unit_names = ", ".join(u.name for u in units)
    category_names = ", ".join(c.name for c in chosen)
    if decision == ConsentDecision.GIVEN:
        text = _("Samtykke registrert for %(units)s (%(categories)s), gyldig %(from)s–%(until)s.") % {
            "units": unit_names,
            "categories": category_names,
            "from": f"{valid_from:%d.%m.%Y}" if valid_from else "",
            "until": f"{valid_until:%d.%m.%Y}" if valid_until else "",
        }
    else:
        text = _("Samtykke nektet for %(units)s (%(categories)s).") % {
            "units": unit_names,
            "categories": category_names,
        }
    _entry(
        case,
        actor,
        "samtykke_gitt" if decision == ConsentDecision.GIVEN else "samtykke_nektet",
        text,
        {"samtykke": consent.pk, "enheter": [u.pk for u in units], "kategorier": [c.code for c in chosen]},
        _category_for(units),
    )
    if decision == ConsentDecision.GIVEN:
        from oversikt.services import notifications_done, notify_unit

        if renews is not None:  # the renewal is the act «samtykke utløper» asks for
            notifications_done(key_prefixes=[f"alarm:samtykke_utloper:{renews.pk}:"])

        for unit in units:
            notify_unit(actor=actor, case_id=case.pk, unit_id=unit.pk, event="basis", key=f"{consent.pk}:{unit.pk}")
    return consent


@transaction.atomic
def consent_withdraw(
    *,
    actor: User,
    case_id: Any,
    consent_id: Any,
    withdrawn_by_name: str,
    unit_id: int | None = None,
    category_code: str = "",
) -> int:
    """Withdraw a consent, whole or for one recipient and/or one category, as one action
    (C-08). Sharing stops on the next request. Returns the number of scopes withdrawn."""
    case = _locked(actor, case_id, "manage_consent")
    count = _withdraw(
        case=case, actor=actor, consent_id=consent_id, withdrawn_by_name=withdrawn_by_name, unit_id=unit_id,
        category_code=category_code,
    )  # fmt: skip
    # The one who carries the case is told (issue 17 item 4); the family portal's own
    # withdrawal tells the stafettholder itself (familie.services.family_withdraw).
    from oversikt.services import notify_consent_withdrawn
    from stafettlogg.services import active_stafettholder

    holder = active_stafettholder(case)
    event = ConsentEvent.objects.filter(consent_id=_int(consent_id), kind=ConsentEventKind.WITHDRAWN).latest("pk")
    notify_consent_withdrawn(
        actor=actor,
        case_id=case.pk,
        event_id=event.pk,
        user_ids=[holder.user_id if holder is not None else case.created_by_id],
    )
    return count


@transaction.atomic
def consent_withdraw_by_family(
    *, view: Any, actor: User, consent_id: Any, withdrawn_by_name: str, unit_id: int | None = None,
    category_code: str = "", allowed: Any = None,
) -> int:  # fmt: skip
    """The same withdrawal as ``consent_withdraw``, by a guardian or the young person in
    the family portal (``view`` from ``bti.gate.open_family_case``). ``allowed(consent)``
    says whether this family member may withdraw that consent."""
    from bti.gate import FAMILY_ROLE

    if FAMILY_ROLE not in view.roles:
        raise ValidationError({"__all__": _("Bare familien selv kan trekke samtykke i foreldreportalen.")})
    case = Case.objects.select_for_update().get(pk=view.case.pk)
    if allowed is not None:
        consent = Consent.objects.filter(case=case, pk=_int(consent_id)).first()
        if consent is None or not allowed(consent):
            raise ValidationError({"__all__": _("Fant ikke samtykket.")})
    return _withdraw(
        case=case, actor=actor, consent_id=consent_id, withdrawn_by_name=withdrawn_by_name, unit_id=unit_id,
        category_code=category_code,
    )  # fmt: skip


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _withdraw(
    *, case: Case, actor: User, consent_id: Any, withdrawn_by_name: str, unit_id: int | None, category_code: str
) -> int:
    try:
        consent = Consent.objects.filter(case=case, pk=int(consent_id)).first()
    except (TypeError, ValueError):
        consent = None
    if consent is None or consent.decision != ConsentDecision.GIVEN:
        raise ValidationError({"__all__": _("Fant ikke samtykket.")})
    if not withdrawn_by_name.strip():
        raise ValidationError({"withdrawn_by_name": _("Skriv hvem som trakk samtykket tilbake.")})
    scopes = ConsentScope.objects.filter(consent=consent).select_for_update()
    if unit_id:
        scopes = scopes.filter(unit_id=unit_id)
    if category_code:
        scopes = scopes.filter(category__code=category_code)
    if not scopes.exists():
        raise ValidationError({"__all__": _("Samtykket gjelder ikke den mottakeren eller kategorien.")})
    open_scopes = scopes.filter(withdrawn_at__isnull=True)
    if not open_scopes.exists():
        raise ValidationError({"__all__": _("Samtykket er allerede trukket tilbake.")})
    now = timezone.now()
    affected = list(open_scopes.select_related("unit", "unit__service", "category"))
    count = open_scopes.update(withdrawn_at=now, withdrawn_by=actor)
    ConsentEvent.objects.create(
        kommune_id=case.kommune_id,
        consent=consent,
        kind=ConsentEventKind.WITHDRAWN,
        at=now,
        actor=actor,
        withdrawn_by_name=withdrawn_by_name.strip(),
        detail={"enhet": unit_id, "kategori": category_code},
    )
    # A unit whose last valid consent scope is gone leaves the case (involvement on consent ends).
    for unit in {s.unit for s in affected}:
        if not valid_scopes([unit.pk], timezone.localdate(), case.pk).exists():
            Involvement.objects.filter(case=case, unit=unit, basis=LegalBasis.CONSENT, ended_at__isnull=True).update(
                ended_at=now
            )
    what = ", ".join(sorted({f"{s.unit.name} ({s.category.name})" for s in affected}))
    _entry(
        case,
        actor,
        "samtykke_trukket",
        _("Samtykke trukket tilbake av %(who)s: %(what)s.") % {"who": withdrawn_by_name.strip(), "what": what},
        {"samtykke": consent.pk, "enhet": unit_id, "kategori": category_code},
        _category_for({s.unit for s in affected}),
    )
    return count


# --- Involvement and melding til barnevernet ----------------------------------------------


@transaction.atomic
def involvement_add(
    *, actor: User, case_id: Any, unit_id: Any, basis: str, law: str = "", condition: str = ""
) -> Involvement:
    """A unit joins a case: on a valid consent covering it, or on opplysningsplikt (which
    never waits on consent but records the law and the condition met)."""
    case = _locked(actor, case_id, "manage_consent")
    try:
        unit = Unit.objects.filter(pk=int(unit_id), kommune_id=case.kommune_id).select_related("service").first()
    except (TypeError, ValueError):
        unit = None
    if unit is None:
        raise ValidationError({"unit": _("Velg en enhet i kommunen saken hører til.")})
    if basis == LegalBasis.CONSENT:
        if not valid_scopes([unit.pk], timezone.localdate(), case.pk).exists():
            raise ValidationError({"basis": _("%(unit)s har ikke et gyldig samtykke i saken.") % {"unit": unit.name}})
    elif basis == LegalBasis.OPPLYSNINGSPLIKT:
        return melding_barnevern(
            actor=actor, case_id=case.pk, unit_id=unit.pk, law=law, condition=condition, description="",
            violence_or_abuse=False, _case=case,
        )  # fmt: skip
    else:
        raise ValidationError({"basis": _("Velg et rettslig grunnlag: samtykke eller opplysningsplikt.")})
    involvement, _created = Involvement.objects.get_or_create(
        case=case,
        unit=unit,
        basis=basis,
        ended_at=None,
        defaults={"kommune_id": case.kommune_id, "started_by": actor},
    )
    _entry(
        case, actor, "involvering", _("%(unit)s er involvert på grunnlag av samtykke.") % {"unit": unit.name},
        {"enhet": unit.pk, "grunnlag": basis}, _category_for([unit]),
    )  # fmt: skip
    return involvement


def barnevern_units(kommune_id: int) -> list[Unit]:
    return list(Unit.objects.filter(kommune_id=kommune_id, service__kind=ServiceKind.BARNEVERN, is_active=True))


@transaction.atomic
def melding_barnevern(
    *,
    actor: User,
    case_id: Any,
    law: str,
    condition: str,
    description: str,
    violence_or_abuse: bool,
    unit_id: Any = None,
    _case: Case | None = None,
) -> Involvement:
    """A melding til barnevernet on opplysningsplikt (C-17): needs no consent and never
    waits on it; the melder chooses the law and the condition met. With suspected
    violence or abuse the entry is hidden from every parent view (C-18). The entry is in
    the barnevern category, so nobody outside barnevern and the case's own people learns
    of it (C-21)."""
    case = _case or _locked(actor, case_id, "melding_barnevern")
    errors: dict[str, str] = {}
    if law not in LAWS:
        errors["law"] = _("Velg hjemmelen for opplysningsplikten.")
    if condition not in CONDITIONS:
        errors["condition"] = _("Velg hvilket vilkår for opplysningsplikt som er oppfylt.")
    candidates = barnevern_units(case.kommune_id)
    unit = None
    if unit_id:
        unit = next((u for u in candidates if str(u.pk) == str(unit_id)), None)
        if unit is None:
            errors["unit"] = _("Velg barneverntjenesten i kommunen.")
    elif candidates:
        unit = candidates[0]
    else:
        errors["unit"] = _("Kommunen har ingen barneverntjeneste registrert.")
    if errors:
        raise ValidationError(errors)
    assert unit is not None
    involvement, _created = Involvement.objects.get_or_create(
        case=case,
        unit=unit,
        basis=LegalBasis.OPPLYSNINGSPLIKT,
        ended_at=None,
        defaults={"kommune_id": case.kommune_id, "started_by": actor, "law": law, "condition": condition},
    )
    if not hasattr(involvement, "melding"):
        BarnevernMelding.objects.create(
            kommune_id=case.kommune_id,
            case=case,
            involvement=involvement,
            law=law,
            condition=condition,
            violence_or_abuse=violence_or_abuse,
            description=description.strip(),
            sent_by=actor,
        )
    data: dict[str, Any] = {"enhet": unit.pk, "hjemmel": law, "vilkar": condition}
    if violence_or_abuse:
        data["skjul_for_foresatte"] = True
    _entry(
        case,
        actor,
        "melding_barnevern",
        _("Melding til barnevernet (%(law)s). Vilkår: %(condition)s.")
        % {"law": LAWS[law], "condition": CONDITIONS[condition]},
        data,
        BARNEVERN,
    )
    if _created:
        from oversikt.services import notify_unit

        notify_unit(actor=actor, case_id=case.pk, unit_id=unit.pk, event="basis", key=f"involvering:{involvement.pk}")
    return involvement


# --- Anonym drøfting ----------------------------------------------------------------------

# Rare circumstances that, with age and gender, may point at one child in a small kommune.
RARE_WORDS = (
    "tvilling",
    "diagnose",
    "syndrom",
    "rullestol",
    "flyktning",
    "asyl",
    "adoptert",
    "fosterhjem",
    "døv",
    "blind",
    "autis",
    "kreft",
)
ANONYMITY_THRESHOLD = 5  # C-19: anonymous when it fits 4–5 people or more


def known_to_case(case: Case) -> deid.Known:
    """Every name, address and place the case knows: the child as each of its cases
    registered it, siblings (children sharing a guardian's name, an unborn sibling), the
    guardians, the staff who wrote in or hold the case and the owning unit's people, every
    unit of the kommune and the kommune itself."""
    from bti.models import Kommune, Membership
    from stafettlogg.models import Entry, Stafettholder

    known = deid.Known()
    child = case.child if case.child_id else None
    if case.anonymous_label:
        known.names.append(case.anonymous_label)
    if child is not None:
        known.names.append(child.full_name)
        known.names.extend(Case.objects.filter(child=child).exclude(child_name="").values_list("child_name", flat=True))
        guardians = list(Guardian.objects.filter(child=child))
        known.names.extend(g.full_name for g in guardians)
        known.addresses.extend(g.address for g in guardians if g.address)
        guardian_names = [g.full_name for g in guardians]
        siblings = Child.objects.filter(kommune_id=case.kommune_id, guardians__full_name__in=guardian_names).exclude(
            pk=child.pk
        )
        known.names.extend(siblings.values_list("full_name", flat=True))
        if child.mother_case_id:
            known.names.extend(
                Child.objects.filter(mother_case_id=child.mother_case_id).values_list("full_name", flat=True)
            )
    staff = set(Entry.objects.filter(case=case).values_list("author_id", flat=True))
    staff |= set(Stafettholder.objects.filter(case=case).values_list("user_id", flat=True))
    staff |= set(Membership.objects.filter(unit_id=case.owner_unit_id).values_list("user_id", flat=True))
    known.names.extend(User.objects.filter(pk__in=staff).values_list("full_name", flat=True))
    known.places.extend(Unit.objects.filter(kommune_id=case.kommune_id).values_list("name", flat=True))
    kommune = Kommune.objects.filter(pk=case.kommune_id).values_list("name", flat=True).first()
    if kommune:
        known.places.extend([kommune, kommune.replace(" kommune", "")])
    known.names = [n for n in known.names if n and n.strip()]
    return known


def deidentify(text: str, *, names: list[str], addresses: list[str]) -> tuple[str, list[str]]:
    """Kept for callers of the old signature: names and addresses only."""
    result = deid.deidentify(text, deid.Known(names=names, addresses=addresses))
    return result.summary, result.removed


def identifying_warnings(case: Case, text: str, age: int | None, gender: str) -> list[str]:
    warnings: list[str] = []
    if case.child_id and age is not None and case.child and case.child.birth_date:
        same = Child.objects.filter(
            kommune_id=case.kommune_id, birth_date__year=case.child.birth_date.year, gender=gender
        ).count()
        if same < ANONYMITY_THRESHOLD:
            warnings.append(
                _(
                    "Få barn i kommunen har samme alder og kjønn (%(n)s registrert). Kombinasjonen kan identifisere barnet."
                )
                % {"n": same}
            )
    lower = text.lower()
    rare = [w for w in RARE_WORDS if w in lower]
    if rare:
        warnings.append(
            _("Sammendraget nevner forhold som kan være sjeldne (%(words)s). Vurder om barnet kan kjennes igjen.")
            % {"words": ", ".join(rare)}
        )
    if re.search(r"\b[A-ZÆØÅ][a-zæøå]+(?:\s[A-ZÆØÅ][a-zæøå]+)+\b", text):
        warnings.append(_("Sammendraget kan inneholde navn. Sjekk at ingen personer kan kjennes igjen."))
    return warnings


@transaction.atomic
def drofting_prepare(*, actor: User, case_id: Any, with_unit_id: Any, text: str) -> AnonymDrofting:
    """Prepare an anonym drøfting: the summary is de-identified here, never by the user alone."""
    case = _locked(actor, case_id, "anonym_drofting")
    errors: dict[str, str] = {}
    try:
        unit = Unit.objects.filter(pk=int(with_unit_id), kommune_id=case.kommune_id).select_related("service").first()
    except (TypeError, ValueError):
        unit = None
    if unit is None:
        errors["with_unit"] = _("Velg tjenesten saken skal drøftes med.")
    elif unit.pk == case.owner_unit_id:
        errors["with_unit"] = _("Velg en annen tjeneste enn den som eier saken.")
    if not text.strip():
        errors["text"] = _("Skriv hva som skal drøftes.")
    if errors:
        raise ValidationError(errors)
    assert unit is not None
    child = case.child if case.child_id else None
    result = deid.deidentify(text.strip(), known_to_case(case))
    summary = result.summary
    age = age_of(case)
    gender = child.gender if child else ""
    drofting = AnonymDrofting.objects.create(
        kommune_id=case.kommune_id,
        case=case,
        with_unit=unit,
        summary=summary,
        age_years=age,
        gender=gender,
        warnings=identifying_warnings(case, summary, age, gender),
        created_by=actor,
        flags=result.flags,
        # Nothing left to decide: shared at once. Flagged words wait for the writer.
        confirmed_at=None if result.flags else timezone.now(),
        confirmed_by=None if result.flags else actor,
    )
    _entry(
        case, actor, "anonym_drofting",
        _("Anonym drøfting forberedt med %(unit)s.") % {"unit": unit.name},
        {"drofting": drofting.pk, "enhet": unit.pk}, _category_for([unit]),
    )  # fmt: skip
    return drofting


@transaction.atomic
def drofting_confirm(*, actor: User, drofting_id: Any, remove: list[str], keep: list[str]) -> AnonymDrofting:
    """The writer decides each flagged word: removed from the summary, or kept as an
    ordinary word. Only then does the receiving unit see the summary."""
    try:
        pk = int(drofting_id)
    except (TypeError, ValueError):
        pk = 0
    found = (
        AnonymDrofting.objects.filter(pk=pk, kommune_id=actor.kommune_id or 0).values_list("case_id", flat=True).first()
    )
    if found is None:
        raise ValidationError({"__all__": _("Fant ikke drøftingen.")})
    case = _locked(actor, found, "anonym_drofting")
    drofting = AnonymDrofting.objects.select_for_update().get(pk=pk, case=case)
    if drofting.confirmed_at is not None:
        raise ValidationError({"__all__": _("Sammendraget er allerede delt.")})
    flags = list(drofting.flags or [])
    undecided = [w for w in flags if w not in remove and w not in keep]
    if undecided or set(remove) & set(keep):
        raise ValidationError(
            {
                "flags": _("Velg «fjern» eller «behold» for hvert markert ord: %(words)s.")
                % {"words": ", ".join(undecided or flags)}
            }
        )
    drofting.summary = deid.remove_words(drofting.summary, [w for w in remove if w in flags])
    drofting.warnings = identifying_warnings(case, drofting.summary, drofting.age_years, drofting.gender)
    drofting.confirmed_at = timezone.now()
    drofting.confirmed_by = actor
    drofting.save(update_fields=["summary", "warnings", "confirmed_at", "confirmed_by"])
    _entry(
        case, actor, "anonym_drofting_delt",
        _("Anonymt sammendrag delt med %(unit)s (%(n)s ord fjernet, %(k)s beholdt).")
        % {"unit": drofting.with_unit.name, "n": len(remove), "k": len(keep)},
        {"drofting": drofting.pk}, _category_for([drofting.with_unit]),
    )  # fmt: skip
    return drofting


@transaction.atomic
def drofting_outcome(*, actor: User, case_id: Any, drofting_id: Any, outcome: str) -> AnonymDrofting:
    case = _locked(actor, case_id, "anonym_drofting")
    try:
        drofting = AnonymDrofting.objects.filter(case=case, pk=int(drofting_id)).first()
    except (TypeError, ValueError):
        drofting = None
    if drofting is None:
        raise ValidationError({"__all__": _("Fant ikke drøftingen.")})
    if not outcome.strip():
        raise ValidationError({"outcome": _("Skriv hva drøftingen kom fram til.")})
    drofting.outcome = outcome.strip()
    drofting.save(update_fields=["outcome"])
    _entry(
        case, actor, "anonym_drofting_utfall",
        _("Utfall av anonym drøfting: %(outcome)s") % {"outcome": drofting.outcome},
        {"drofting": drofting.pk}, _category_for([drofting.with_unit]),
    )  # fmt: skip
    return drofting


# --- Leader review -------------------------------------------------------------------------


@transaction.atomic
def access_review_mark(*, actor: User, entry_id: Any, note: str = "") -> AccessReview:
    """A unit leader marks an innsynslogg row about one of the unit's cases as reviewed."""
    from consent.selectors import review_entry

    entry = review_entry(actor, entry_id)
    if entry is None:
        raise ValidationError({"__all__": _("Fant ikke oppslaget.")})
    review, created = AccessReview.objects.get_or_create(
        entry=entry, defaults={"kommune_id": entry.kommune_id, "reviewed_by": actor, "note": note.strip()[:300]}
    )
    if not created:
        raise ValidationError({"__all__": _("Oppslaget er allerede merket som gjennomgått.")})
    return review
