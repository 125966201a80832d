"""The content matrix (issue 13 item 8, «Done when»): route × persona × consent state →
exactly which markers appear in the body. HTML, htmx partials, JSON and PDF text."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from stafettlogg import services as log_services
from tests.gate.content import HELSE, PLAN, STAF, bodies, build, consent, leaks

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_login(user, backend="bti.auth_backends.EmailBackend")
    return client


def _read(login, personas, who, cc):
    return bodies(login(personas[who]), _api(personas[who]), cc)


def test_the_owner_sees_every_marker(personas, login):
    cc = build(personas)
    found = _read(login, personas, "barnehagelaerer", cc)
    assert leaks(found, cc.all, cc.all) == []
    assert all(m in found["plan"] for m in cc.of(PLAN) if "goal" in m or "measure" in m or "eval" in m)
    assert all(m in found["pdf-referat"] for m in cc.of(PLAN) if "referat" in m or "decision" in m)


def test_consent_only_for_stafettlogg_shows_no_plan_meeting_or_referat_text(personas, login):
    cc = build(personas)
    consent(personas, cc, (STAF,))
    found = _read(login, personas, "ppt", cc)
    assert leaks(found, cc.of(STAF), cc.all) == []
    assert "MX" in found["timeline"]  # the stafettlogg note is read


def test_consent_for_plan_og_tiltak_shows_the_plan(personas, login):
    cc = build(personas)
    consent(personas, cc, (STAF, PLAN))
    found = _read(login, personas, "ppt", cc)
    assert leaks(found, cc.of(STAF, PLAN), cc.all) == []
    for route in ("plan", "api-goals", "pdf-plan"):
        assert any(m in found[route] for m in cc.of(PLAN)), route


def test_health_refused_by_a_16_year_old_reaches_no_one_outside_the_owner(personas, login):
    cc = build(personas, age=16)
    # The young person refuses sharing of health information; the parents consent to the rest.
    consent(personas, cc, (HELSE,), decision="refused", by_young_person=True, guardian_ids=[])
    consent(personas, cc, (STAF, PLAN, "kartlegging"))
    found = _read(login, personas, "ppt", cc)
    assert leaks(found, cc.of(STAF, PLAN), cc.all) == []
    own = _read(login, personas, "barnehagelaerer", cc)
    assert leaks(own, cc.all, cc.all) == []


def test_a_pending_proposal_opens_no_content(personas, login):
    cc = build(personas)
    log_services.handover_propose(
        actor=personas["barnehagelaerer"], case_id=cc.case.pk, to_user_id=personas["ppt"].pk, message="MXask"
    )
    found = _read(login, personas, "ppt", cc)
    assert leaks(found, set(), cc.all) == []
    assert "MXask" in found["case"]  # the handover request itself is shown
    for body in found.values():
        assert "Storgata 1" not in body and "Marit Eksempel" not in body  # no guardians either


def test_a_proposal_is_accepted_only_with_a_basis_for_the_receiving_unit(personas, login):
    cc = build(personas)
    log_services.handover_propose(
        actor=personas["barnehagelaerer"], case_id=cc.case.pk, to_user_id=personas["ppt"].pk, message="MXask"
    )
    ppt = login(personas["ppt"])
    cc.case.refresh_from_db()
    refused = ppt.post(f"/saker/{cc.case.pk}/stafettholder/godta/", {"version": cc.case.version})
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "PPT Eksempel har ikke samtykke eller annet rettslig grunnlag" in body
    assert not any(m in body for m in cc.all)
    consent(personas, cc, (STAF, PLAN))
    cc.case.refresh_from_db()
    accepted = ppt.post(f"/saker/{cc.case.pk}/stafettholder/godta/", {"version": cc.case.version})
    assert accepted.status_code == 302
    found = _read(login, personas, "ppt", cc)
    assert "MX" in found["plan"]


def test_a_pdf_rendered_before_a_withdrawal_is_not_handed_out(personas, login, django_capture_on_commit_callbacks):
    from samarbeid import printing
    from samarbeid.models import PdfJob

    cc = build(personas)
    given = consent(personas, cc, (STAF, PLAN))
    ppt = login(personas["ppt"])
    original = printing.SYNC_MAX_ENTRIES
    printing.SYNC_MAX_ENTRIES = 0
    try:
        with django_capture_on_commit_callbacks(execute=True):
            ppt.post(f"/saker/{cc.case.pk}/utskrift/", {"kind": "logg"})
    finally:
        printing.SYNC_MAX_ENTRIES = original
    job = PdfJob.objects.get(requested_by=personas["ppt"])
    assert job.status == "done"
    from consent import services as consent_services

    consent_services.consent_withdraw(
        actor=personas["barnehagelaerer"],
        case_id=cc.case.pk,
        consent_id=given.pk,
        withdrawn_by_name="Marit",
        category_code=PLAN,
    )
    stale = ppt.get(f"/utskrift/{job.pk}/last-ned/", follow=True)
    body = stale.content.decode()
    assert "endret siden utskriften ble laget" in body
    assert not any(m in body for m in cc.all)
