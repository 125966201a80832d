"""The family's view of the log through the gate (issue 14 item 2): held-back entries
(C-15, C-18), barnevern's entries and, for a 16-year-old's parents, health notes stay
out; goals, tiltak and meetings are shown; staff see which entries the family sees."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from familie.models import HeldBack
from stafettlogg import services as log_services
from tests.familie.helpers import HELD, families, family_client, staff_client
from tests.sealed import one_with

pytestmark = pytest.mark.django_db

SHARED = "Loggmarkør-L1: samtale med mor om lesing"
C15 = "Loggmarkør-L2: Emma fortalte i fortrolighet"
HEALTH = "Helsemarkør-L3: Emma har migrene, henvist fastlege"
GOAL = "Målmarkør-L4: Theo leser en bok i uka"
MEASURE = "Tiltaksmarkør-L5: lesetrening tre ganger i uka"


@pytest.fixture
def fam(personas, settings):
    settings.DEMO_MODE = True
    fam = families(personas)
    ola = personas["kontaktlaerer"]
    log_services.note_add(actor=ola, case_id=fam.theo.pk, kind="notat", text=SHARED)
    from samarbeid import services as plan

    goal = plan.goal_create(actor=ola, case_id=fam.theo.pk, text=GOAL, agreed_with="mor og Theo")
    today = timezone.localdate()
    plan.measure_create(
        actor=ola, case_id=fam.theo.pk, goal_id=goal.pk, description=MEASURE,
        responsible_unit_id=ola.memberships.first().unit_id, responsible_user_id=ola.pk,
        start_date=today, evaluation_date=today + timedelta(days=42),
    )  # fmt: skip
    hanne = personas["helsesykepleier"]
    log_services.note_add(
        actor=hanne, case_id=fam.emma.pk, kind="samtale_barn", text=HEALTH, category="helseopplysninger"
    )
    confided = log_services.note_add(actor=hanne, case_id=fam.emma.pk, kind="samtale_barn", text=C15)
    from familie import services

    services.entry_hold(actor=hanne, case_id=fam.emma.pk, entry_id=confided.pk, reason="c15")
    return fam


def test_the_mother_reads_the_log_but_not_the_held_back_entry(fam):
    body = family_client(fam, "marte").get(reverse("familie-case", args=[fam.theo.pk])).content.decode()
    assert SHARED in body
    assert GOAL in body and MEASURE in body
    assert HELD not in body
    # Not even a «skjult» placeholder: its existence could tell a parent about a suspicion (C-18).
    assert "Skjult" not in body


def test_a_c15_entry_is_kept_from_the_parents(fam):
    body = family_client(fam, "kristin").get(reverse("familie-case", args=[fam.emma.pk])).content.decode()
    assert C15 not in body


def test_the_parents_of_a_16_year_old_read_no_health_note_but_she_does(fam):
    parent = family_client(fam, "kristin").get(reverse("familie-case", args=[fam.emma.pk])).content.decode()
    assert HEALTH not in parent
    emma = family_client(fam, "emma").get(reverse("familie-case", args=[fam.emma.pk])).content.decode()
    assert HEALTH in emma
    # Her own confidence is held back from the family portal as a whole (the hold is per entry).
    assert C15 not in emma


def test_barnevern_entries_never_reach_the_family(fam, personas):
    from django.db import transaction

    from cases.models import Case
    from stafettlogg.services import entry_append

    text = "Barnevernmarkør-L6: melding sendt"
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=fam.theo.pk)
        entry_append(case=case, actor=personas["kontaktlaerer"], kind="deling", text=text, category="barnevern")
    body = family_client(fam, "marte").get(reverse("familie-case", args=[fam.theo.pk])).content.decode()
    assert SHARED in body
    assert text not in body


def test_staff_see_which_entries_the_family_sees(fam, personas):
    body = staff_client(personas["kontaktlaerer"]).get(reverse("familie-panel", args=[fam.theo.pk])).content.decode()
    assert "Det familien ser i loggen" in body
    assert "Nei – Knyttet til mistanke om vold eller overgrep" in body
    assert "Ja" in body


def test_staff_hold_an_entry_back_and_the_family_no_longer_sees_it(fam, personas):
    from stafettlogg.models import Entry

    entry = one_with(Entry.objects.filter(case=fam.theo), "text", equals=SHARED)
    marte = family_client(fam, "marte")
    assert SHARED in marte.get(reverse("familie-case", args=[fam.theo.pk])).content.decode()
    staff = staff_client(personas["kontaktlaerer"])
    response = staff.post(reverse("familie-hold", args=[fam.theo.pk]), {"entry": entry.pk, "reason": "c15", "note": ""})
    assert response.status_code == 302
    assert HeldBack.objects.filter(entry=entry).exists()
    assert SHARED not in marte.get(reverse("familie-case", args=[fam.theo.pk])).content.decode()


def test_holding_an_entry_of_another_case_is_refused(fam, personas):
    from stafettlogg.models import Entry

    other = Entry.objects.filter(case=fam.emma).first()
    assert other is not None
    staff = staff_client(personas["kontaktlaerer"])
    response = staff.post(reverse("familie-hold", args=[fam.theo.pk]), {"entry": other.pk, "reason": "c15"})
    assert response.status_code == 400
    assert not HeldBack.objects.filter(entry=other).exists()
