"""Actions complete trinn (issue 17, item 1): a trinn names the actions that fulfil it;
doing the action ticks the trinn, logs it and tells the person. Manual ticking stays."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from handlingsveileder.actions import action_of, clean_actions
from handlingsveileder.models import CaseGuide, ProgressStatus, Step, StepProgress
from samarbeid import services as plan_services
from stafettlogg import services as log_services
from tests.cases.helpers import undring, unit

pytestmark = pytest.mark.django_db

MARKER = "TIKK-7Q"


def _done(case) -> dict[tuple[int, str], str]:
    """(level, trinn title) -> how it was finished, for the trinn that are done."""
    steps = {s.key: s for s in Step.objects.filter(version_id=CaseGuide.objects.get(case=case).version_id)}
    return {
        (steps[p.step_key].level, steps[p.step_key].title): p.reason
        for p in StepProgress.objects.filter(case=case, status=ProgressStatus.DONE)
    }


def test_the_default_templates_name_the_actions_of_every_trinn_but_oppstart(personas):
    case = undring(personas)
    steps = Step.objects.filter(version_id=CaseGuide.objects.get(case=case).version_id)
    named = {(s.level, s.title): s.completed_by_actions for s in steps}
    assert named[(0, "Konkretisering")] == ["konkretisering"]
    assert named[(0, "Deling")] == ["deling"]
    assert named[(0, "Beslutning")] == ["beslutning"]
    for level in (1, 2, 3):
        assert named[(level, "Planlegging")] == ["mal"]
        assert named[(level, "Tiltak")] == ["tiltak_startet"]
        assert named[(level, "Evaluering")] == ["evaluering"]
        assert named[(level, "Beslutning")] == ["nivabeslutning"]
        assert named[(level, "Oppstart og vurdering")] == []


def test_every_step_of_nivaa0_and_nivaa1_is_ticked_by_doing_its_action(personas):
    kari = personas["barnehagelaerer"]
    case = undring(personas)
    assert _done(case) == {}  # «Undring» names no action: the person ticks it
    log_services.note_add(actor=kari, case_id=case.pk, kind="konkretisering", text=f"{MARKER} gråter 4 av 5 dager")
    case_services.case_record_sharing(actor=kari, case_id=case.pk, with_whom=["leder"], text=f"{MARKER} drøftet")
    case_services.case_identify(
        actor=kari,
        case_id=case.pk,
        full_name="Emma Eksempel",
        birth_date=timezone.localdate() - timedelta(days=5 * 365),
    )
    assert set(_done(case)) == {(0, "Konkretisering"), (0, "Deling")}
    case_services.case_change_level(actor=kari, case_id=case.pk, to_level=1, reason=f"{MARKER} nivå 1")
    assert (0, "Beslutning") in _done(case)
    goal = plan_services.goal_create(actor=kari, case_id=case.pk, text=f"{MARKER} mål", agreed_with="mor")
    today = timezone.localdate()
    # A tiltak that starts later does not tick «Tiltak»; starting it does.
    later = plan_services.measure_create(
        actor=kari, case_id=case.pk, goal_id=goal.pk, description=f"{MARKER} senere",
        responsible_unit_id=unit("Lia barnehage").pk, responsible_user_id=kari.pk,
        start_date=today + timedelta(days=7), evaluation_date=today + timedelta(days=30),
    )  # fmt: skip
    assert (1, "Planlegging") in _done(case) and (1, "Tiltak") not in _done(case)
    plan_services.measure_set_status(actor=kari, case_id=case.pk, measure_id=later.pk, status="pagar")
    assert (1, "Tiltak") in _done(case)
    plan_services.evaluation_record(
        actor=kari, case_id=case.pk, measure_id=later.pk, what_happened="Gikk bra", child_view="Fint",
        parents_view="Bra", decision="fortsette", next_evaluation_date=today + timedelta(days=14),
    )  # fmt: skip
    case_services.case_change_level(actor=kari, case_id=case.pk, to_level=2, reason=f"{MARKER} opp")
    done = _done(case)
    assert {(1, "Evaluering"), (1, "Beslutning")} <= set(done)
    assert (1, "Oppstart og vurdering") not in done  # no action names it: ticked by hand
    assert done[(0, "Deling")] == "Krysset av da delingen er registrert."


def test_an_action_that_fails_ticks_nothing(personas):
    case = undring(personas)
    with pytest.raises(ValidationError):
        case_services.case_record_sharing(actor=personas["barnehagelaerer"], case_id=case.pk, with_whom=[], text="")
    assert (0, "Deling") not in _done(case)


def test_the_page_says_the_trinn_was_ticked_and_shows_it_done(personas, login):
    client = login(personas["barnehagelaerer"])
    case = undring(personas)
    response = client.post(
        reverse("cases:sharing", kwargs={"case_id": case.pk}),
        {"with_whom": ["kollega"], "text": f"{MARKER} kollega så det samme", "version": case.version},
        follow=True,
    )
    html = response.content.decode()
    assert "Delingen er loggført." in html
    assert "Trinnet «Deling» på nivå 0 er krysset av: delingen er registrert." in html
    steps = client.get(reverse("hv-case-steps", kwargs={"case_id": case.pk})).content.decode()
    assert "Krysset av da delingen er registrert." in steps
    assert "Fullfør «Deling»" not in steps
    assert "Fullfør «Beslutning»" in steps  # not done yet: still ticked by hand or by the decision


def test_manual_ticking_stays_for_a_trinn_without_an_action(personas, login):
    case = undring(personas)
    case = case_services.case_identify(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        full_name="Emma Eksempel",
        birth_date=timezone.localdate() - timedelta(days=1500),
    )
    case_services.case_change_level(actor=personas["barnehagelaerer"], case_id=case.pk, to_level=1, reason="Videre")
    oppstart = Step.objects.get(version_id=CaseGuide.objects.get(case=case).version_id, level=1, position=1)
    client = login(personas["barnehagelaerer"])
    client.post(reverse("hv-case-step", kwargs={"case_id": case.pk, "step_id": oppstart.pk}), {"action": "done"})
    assert (1, "Oppstart og vurdering") in _done(case)


def test_unknown_action_codes_are_dropped_and_plain_notes_are_no_action(personas):
    assert clean_actions(["deling", "<script>", "deling", 3]) == ["deling"]
    assert clean_actions("deling") == []
    case = undring(personas)
    note = log_services.note_add(actor=personas["barnehagelaerer"], case_id=case.pk, kind="notat", text="Bare et notat")
    assert action_of(note, 0) is None
