"""Families on demo cases, for the test ID-porten (issue 14 item 8).

Two children, written through the services the pages use:

* Theo Nilsen (7), Solberg skole, nivå 1, PPT on the mother's consent: Marte Nilsen (mor,
  foreldreansvar) and Jonas Nilsen (far, uten foreldreansvar: refused at the portal); one
  note is held back from the family (C-18).
* Emma Lund (16), Helsestasjonen: Kristin and Anders Lund (both with foreldreansvar) and Emma
  herself, who decides on her own health information.

The pids are synthetic (month + 80, as Skatteetaten's Tenor test persons): they belong to nobody.
``build_families`` is also what the tests and the e2e use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from bti.models import Unit, User
from bti.security.oidc import pid_index
from cases import services as case_services
from cases.models import Case, Guardian
from consent import services as consent_services
from familie import services
from familie.models import FamilyMember, MemberKind
from stafettlogg import services as log_services

# key -> (pid, label shown on the test ID-porten)
DEMO_PIDS: dict[str, tuple[str, str]] = {
    "marte": ("01898049731", "Marte Nilsen, mor til Theo (7), har foreldreansvar"),
    "jonas": ("02897848112", "Jonas Nilsen, far til Theo (7), uten foreldreansvar"),
    "kristin": ("03887546210", "Kristin Lund, mor til Emma (16), har foreldreansvar"),
    "anders": ("04887449385", "Anders Lund, far til Emma (16), har foreldreansvar"),
    "emma": ("05901050123", "Emma Lund (16)"),
}


@dataclass
class Families:
    theo: Case
    emma: Case
    guardians: dict[str, Guardian] = field(default_factory=dict)
    members: dict[str, FamilyMember] = field(default_factory=dict)
    held_text: str = ""


def _born(years: int) -> date:
    today = timezone.localdate()
    return (
        date(today.year - years, 1, 15) if (today.month, today.day) >= (1, 15) else date(today.year - years - 1, 1, 15)
    )


def _member(case: Case, key: str, guardian: Guardian | None) -> FamilyMember:
    pid, label = DEMO_PIDS[key]
    return FamilyMember.objects.create(
        kommune_id=case.kommune_id,
        child_id=case.child_id or 0,
        guardian=guardian,
        kind=MemberKind.FORESATT if guardian else MemberKind.UNGDOM,
        pid_index=pid_index(pid),
        is_demo=True,
        demo_label=label,
    )


@transaction.atomic
def build_families(
    people: dict[str, User], *, held_text: str = "Bekymring for vold i hjemmet, drøftet med barnevernet."
) -> Families:
    ola, hanne = people["kontaktlaerer"], people["helsesykepleier"]
    kommune_id = ola.kommune_id or 0
    school = Unit.objects.get(kommune_id=kommune_id, name="Solberg skole")
    ppt = Unit.objects.get(kommune_id=kommune_id, name="PPT Eksempel")
    helse = Unit.objects.get(kommune_id=kommune_id, name="Helsestasjonen")
    today = timezone.localdate()

    theo = case_services.undring_create(
        actor=ola, unit_id=school.pk, observation="Theo sliter med å lese og blir lei seg.",
        child_name="Theo Nilsen", birth_date=_born(7),
    )  # fmt: skip
    case_services.case_change_level(
        actor=ola, case_id=theo.pk, to_level=1, reason="Vi følger opp lesingen sammen med hjemmet."
    )
    marte = case_services.guardian_add(
        actor=ola, case_id=theo.pk, full_name="Marte Nilsen", relation="mor", has_parental_responsibility=True
    )
    jonas = case_services.guardian_add(
        actor=ola, case_id=theo.pk, full_name="Jonas Nilsen", relation="far", has_parental_responsibility=False
    )
    consent_services.consent_register(
        actor=ola, case_id=theo.pk, decision="given", guardian_ids=[marte.pk], by_young_person=False,
        unit_ids=[ppt.pk], category_codes=["stafettlogg", "plan_tiltak"],
        purpose="Vurdering av lesing sammen med PPT", form="written",
        child_view="Theo synes det er greit at PPT hjelper.",
        valid_from=today - timedelta(days=10), valid_until=today + timedelta(days=355),
    )  # fmt: skip
    log_services.note_add(
        actor=ola, case_id=theo.pk, kind="samtale_foresatte", text="Samtale med mor om lesing hjemme."
    )
    held = log_services.note_add(actor=ola, case_id=theo.pk, kind="notat", text=held_text)
    services.entry_hold(actor=ola, case_id=theo.pk, entry_id=held.pk, reason="c18", note="Meldt til barnevernet.")

    emma = case_services.undring_create(
        actor=hanne, unit_id=helse.pk, observation="Emma har mye hodepine og fravær.",
        child_name="Emma Lund", birth_date=_born(16),
    )  # fmt: skip
    kristin = case_services.guardian_add(
        actor=hanne, case_id=emma.pk, full_name="Kristin Lund", relation="mor", has_parental_responsibility=True
    )
    anders = case_services.guardian_add(
        actor=hanne, case_id=emma.pk, full_name="Anders Lund", relation="far", has_parental_responsibility=True
    )
    theo.refresh_from_db()
    emma.refresh_from_db()
    fam = Families(theo=theo, emma=emma, held_text=held_text)
    fam.guardians = {"marte": marte, "jonas": jonas, "kristin": kristin, "anders": anders}
    for key, guardian in (("marte", marte), ("jonas", jonas)):
        fam.members[key] = _member(theo, key, guardian)
    for key, guardian in (("kristin", kristin), ("anders", anders)):
        fam.members[key] = _member(emma, key, guardian)
    fam.members["emma"] = _member(emma, "emma", None)
    return fam


def seed_families(people: dict[str, Any]) -> int:
    """The demo families, unless the demo kommune has them already."""
    if FamilyMember.objects.filter(is_demo=True, kommune_id=people["kontaktlaerer"].kommune_id).exists():
        return 0
    build_families(people)
    return 2
