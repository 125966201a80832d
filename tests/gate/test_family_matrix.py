"""The family audience of the content matrix (issue 13 item 8): every family route ×
family member × state → exactly which markers the body holds, none the member may not read
and every one they may (the family's pages and API: log, consents, reads, messages).

Markers name their case, object and audience. The states: a guardian with foreldreansvar
(Marte, Theo's mother), one without (Jonas), both parents of a 16-year-old (Kristin, Anders)
and the young person herself (Emma), the protected-address case (Anders kept out), a
13-year-old without and with a read grant (Sara), and Theo's case with an entry held back
and a melding til barnevernet on suspected violence (C-18)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Case
from familie.demo import Families, build_families
from familie.models import FamilyMember, MemberKind
from stafettlogg import services as log_services
from tests.familie.helpers import family_client, staff_client
from tests.gate.test_content_routes import FAMILY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_anon_throttle(monkeypatch):
    """The family API is anonymous to DRF (30/minute per address); the matrix reads it
    hundreds of times a minute from one address."""
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "get_rate", lambda self: "100000/minute")


# Theo (7), Solberg skole, nivå 1, the mother's consent for PPT.
T_NOTE = "MFtheoxnotexfamilie"
T_GOAL = "MFtheoxgoalxplan"
T_HELD = "MFtheoxheldxc18"  # held back from the family (suspected violence)
T_MELDING = "MFtheoxmeldingxbarnevern"  # a melding on suspected violence (C-18)
T_CONSENT = "Vurdering av lesing sammen med PPT"  # the consent's purpose (familie.demo)
T_READER = "Per Dahl"  # PPT read Theo's case: the innsynslogg shows the reader's name
# Emma (16), Helsestasjonen, nivå 1 (Hanne Lie is the stafettholder).
E_NOTE = "MFemmaxnotexfamilie"
E_HEALTH = "MFemmaxhealthxhelse"  # her parents do not read her health information
E_FROM_KRISTIN = "MFemmaxmessagexkristin"
E_TO_KRISTIN = "MFemmaxreplyxkristin"
E_FROM_EMMA = "MFemmaxmessagexemma"
# Sara (13), Solberg skole: reads only with a read grant.
S_NOTE = "MFsaraxnotexfamilie"

ALL = {
    T_NOTE, T_GOAL, T_HELD, T_MELDING, T_CONSENT, T_READER,
    E_NOTE, E_HEALTH, E_FROM_KRISTIN, E_TO_KRISTIN, E_FROM_EMMA, S_NOTE,
}  # fmt: skip
NEVER = {T_HELD, T_MELDING}  # no family member, on no route, in any state


@dataclass
class World:
    fam: Families
    sara: Case  # Sara's own case (she has no guardian row in the portal)

    @property
    def members(self) -> dict[str, FamilyMember]:
        return self.fam.members

    @property
    def guardians(self) -> dict[str, Any]:
        return self.fam.guardians

    @property
    def theo(self) -> Case:
        return self.fam.theo

    @property
    def emma(self) -> Case:
        return self.fam.emma


@pytest.fixture
def fam(personas, settings, django_capture_on_commit_callbacks) -> World:
    settings.DEMO_MODE = True
    from cases import services as case_services
    from consent import services as consent_services
    from samarbeid import services as plan_services

    fam = build_families(personas, held_text=T_HELD)
    ola, hanne = personas["kontaktlaerer"], personas["helsesykepleier"]
    log_services.note_add(actor=ola, case_id=fam.theo.pk, kind="notat", text=T_NOTE)
    plan_services.goal_create(actor=ola, case_id=fam.theo.pk, text=T_GOAL, agreed_with="mor og Theo")
    consent_services.melding_barnevern(
        actor=ola, case_id=fam.theo.pk, law="oppl", condition="mishandling",
        description=T_MELDING, violence_or_abuse=True,
    )  # fmt: skip
    staff_client(personas["ppt"]).get(reverse("cases:case_detail", args=[fam.theo.pk]))

    case_services.case_change_level(actor=hanne, case_id=fam.emma.pk, to_level=1, reason="Vi følger opp.")
    log_services.note_add(actor=hanne, case_id=fam.emma.pk, kind="samtale_foresatte", text=E_NOTE)
    log_services.note_add(
        actor=hanne, case_id=fam.emma.pk, kind="samtale_barn", text=E_HEALTH, category="helseopplysninger"
    )
    messages = reverse("familie-messages", args=[fam.emma.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert family_client(fam, "kristin").post(messages, {"text": E_FROM_KRISTIN}).status_code == 302
        assert family_client(fam, "emma").post(messages, {"text": E_FROM_EMMA}).status_code == 302
        reply = staff_client(hanne).post(
            reverse("familie-message-reply", args=[fam.emma.pk]),
            {"member": fam.members["kristin"].pk, "text": E_TO_KRISTIN},
        )
        assert reply.status_code == 302

    from bti.models import Unit
    from bti.security.oidc import pid_index
    from familie.demo import _born

    school = Unit.objects.get(kommune_id=ola.kommune_id, name="Solberg skole")
    sara = case_services.undring_create(
        actor=ola, unit_id=school.pk, observation="Trives ikke.", child_name="Sara Berg", birth_date=_born(13)
    )
    log_services.note_add(actor=ola, case_id=sara.pk, kind="notat", text=S_NOTE)
    sara.refresh_from_db()
    fam.members["sara"] = FamilyMember.objects.create(
        kommune_id=sara.kommune_id, child_id=sara.child_id or 0, kind=MemberKind.UNGDOM,
        pid_index=pid_index("06901099123"), is_demo=True, demo_label="Sara Berg (13)",
    )  # fmt: skip
    return World(fam=fam, sara=sara)


def family_bodies(client: Client, case_id: int) -> dict[str, str]:
    """The family routes of one case as a family member gets them (pages and API)."""
    out = {}
    for name, key in FAMILY.items():
        response = client.get(reverse(name, args=[case_id]))
        assert response.status_code < 500, (name, response.status_code)
        out[key] = response.content.decode()
    return out


def _shown(found: dict[str, str]) -> set[str]:
    return {m for m in ALL if any(m in body for body in found.values())}


def _where(found: dict[str, str], marker: str) -> set[str]:
    return {key for key, body in found.items() if marker in body}


def _read_all(world: World, who: str) -> dict[str, str]:
    """Every family route of every case of the fixture, as ``who``."""
    client = family_client(world.fam, who)
    cases = (world.theo.pk, world.emma.pk, world.sara.pk)
    return {f"{case_id}:{key}": body for case_id in cases for key, body in family_bodies(client, case_id).items()}


def test_the_family_routes_are_the_ones_in_the_route_list():
    assert set(FAMILY) == {
        "familie-case", "familie-consent", "familie-reads", "familie-messages",
        "api-familie-log", "api-familie-consents", "api-familie-reads",
    }  # fmt: skip


def test_the_mother_with_foreldreansvar(fam):
    found = _read_all(fam, "marte")
    assert _shown(found) == {T_NOTE, T_GOAL, T_CONSENT, T_READER}
    theo = fam.theo.pk
    assert _where(found, T_NOTE) == {f"{theo}:familie-case", f"{theo}:api-familie-log"}
    assert _where(found, T_CONSENT) == {f"{theo}:familie-consent", f"{theo}:api-familie-consents"}
    assert _where(found, T_READER) == {f"{theo}:familie-reads", f"{theo}:api-familie-reads"}
    # C-18: neither the held-back entry nor the melding, not even a «skjult» placeholder.
    assert "Skjult" not in found[f"{theo}:familie-case"]


def test_the_father_without_foreldreansvar_reads_nothing(fam):
    found = _read_all(fam, "jonas")
    assert _shown(found) == set()
    assert "Theo Nilsen" not in "".join(found.values())


def test_the_parents_of_a_16_year_old_read_no_health_note_and_only_their_own_thread(fam):
    kristin = _read_all(fam, "kristin")
    assert _shown(kristin) == {E_NOTE, E_FROM_KRISTIN, E_TO_KRISTIN}
    assert _where(kristin, E_FROM_KRISTIN) == {f"{fam.emma.pk}:familie-messages"}
    anders = _read_all(fam, "anders")
    assert _shown(anders) == {E_NOTE}


def test_the_16_year_old_reads_her_health_note_and_her_own_thread(fam):
    found = _read_all(fam, "emma")
    assert _shown(found) == {E_NOTE, E_HEALTH, E_FROM_EMMA}
    assert _where(found, E_HEALTH) == {f"{fam.emma.pk}:familie-case", f"{fam.emma.pk}:api-familie-log"}


def test_a_protected_address_keeps_that_parent_out_of_every_route(fam, personas):
    response = staff_client(personas["helsesykepleier"]).post(
        reverse("familie-address", args=[fam.emma.pk]),
        {"protected_from": fam.guardians["anders"].pk, "reason": "MFemmaxprotectedxreason"},
    )
    assert response.status_code == 302
    anders = _read_all(fam, "anders")
    assert _shown(anders) == set()
    assert not any("MFemmaxprotectedxreason" in body or "Emma Lund" in body for body in anders.values())
    assert _shown(_read_all(fam, "kristin")) == {E_NOTE, E_FROM_KRISTIN, E_TO_KRISTIN}


def test_a_13_year_old_reads_only_with_a_read_grant(fam, personas):
    assert _shown(_read_all(fam, "sara")) == set()
    member = fam.members["sara"]
    response = staff_client(personas["kontaktlaerer"]).post(
        reverse("familie-read-grant", args=[fam.sara.pk]),
        {"member": member.pk, "granted": "1", "reason": "Sara vil følge saken"},
    )
    assert response.status_code == 302
    found = _read_all(fam, "sara")
    assert _shown(found) == {S_NOTE}
    sara = fam.sara.pk
    assert _where(found, S_NOTE) == {f"{sara}:familie-case", f"{sara}:api-familie-log"}


def test_no_family_member_ever_sees_the_c18_entry_or_the_melding(fam):
    for who in ("marte", "jonas", "kristin", "anders", "emma", "sara"):
        found = _read_all(fam, who)
        assert not _shown(found) & NEVER, who
        assert "vold" not in found[f"{fam.theo.pk}:familie-messages"].lower(), who
