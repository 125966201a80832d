"""The content matrix (issue 13 item 8, «Done when»): route × persona × consent state →
exactly which markers appear in the body. HTML, htmx partials, JSON and PDF text."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from stafettlogg import services as log_services
from tests.gate.content import HELSE, PDF, PLAN, STAF, bodies, build, consent, exports, leaks
from tests.gate.test_content_routes import EXPORTS, POSTED, READ

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_login(user, backend="bti.auth_backends.EmailBackend")
    return client


def _read(login, personas, who, cc):
    return bodies(login(personas[who]), _api(personas[who]), cc)


def _withdraw_plan(personas, cc, given) -> None:
    from consent import services as consent_services

    consent_services.consent_withdraw(
        actor=personas["barnehagelaerer"],
        case_id=cc.case.pk,
        consent_id=given.pk,
        withdrawn_by_name="Marit",
        category_code=PLAN,
    )


def _in(body: str, markers: set[str]) -> set[str]:
    return {m for m in markers if m in body}


def test_the_owner_sees_every_marker(personas, login):
    cc = build(personas)
    found = _read(login, personas, "barnehagelaerer", cc)
    assert set(READ.values()) <= set(found), "a READ route of test_content_routes is not fetched by bodies()"
    assert leaks(found, cc.all, cc.all) == []
    assert all(m in found["plan"] for m in cc.of(PLAN) if "goal" in m or "measure" in m or "eval" in m)
    assert all(m in found["pdf-referat"] for m in cc.of(PLAN) if "referat" in m or "decision" in m)
    # The PDF text is read from real PDFs, and the owner's logg PDF holds the health note.
    for kind in ("logg", "plan", "referat", "sammendrag"):
        assert found[f"pdf-{kind}"].startswith(PDF), kind
    # The one-page summary (issue 17 item 7): the goals and the tiltak, health goal included.
    assert _in(found["pdf-sammendrag"], cc.all) == {m for m in cc.all if "goaltext" in m or "measure" in m} | {
        m for m in cc.of(HELSE) if "goal" in m
    }
    assert set(cc.of(STAF, HELSE)) - {m for m in cc.of(HELSE) if "goal" in m} <= _in(found["pdf-logg"], cc.all)
    assert {m for m in cc.all if "goal" in m or "measure" in m or "eval" in m} <= _in(found["pdf-plan"], cc.all)
    assert _in(found["entry-correct-health"], cc.all) == {m for m in cc.of(HELSE) if "note" in m}
    assert _in(found["meeting-ics"], cc.all) == set()  # time and place only


def test_consent_only_for_stafettlogg_shows_no_plan_meeting_or_referat_text(personas, login):
    cc = build(personas)
    consent(personas, cc, (STAF,))
    found = _read(login, personas, "ppt", cc)
    assert leaks(found, cc.of(STAF), cc.all) == []
    assert "MX" in found["timeline"]  # the stafettlogg note is read
    # The PDFs, by their text: the logg PDF holds the note and nothing else; the plan and
    # referat PDFs carry no plan text (an empty plan or the refusal page).
    assert found["pdf-logg"].startswith(PDF)
    assert _in(found["pdf-logg"], cc.all) == cc.of(STAF)
    assert _in(found["pdf-plan"], cc.all) == set() and _in(found["pdf-referat"], cc.all) == set()
    # The summary: who, level and stafettholder, but no goal or tiltak text.
    assert found["pdf-sammendrag"].startswith(PDF) and _in(found["pdf-sammendrag"], cc.all) == set()
    assert "Planen er ikke med" in found["pdf-sammendrag"]


def test_consent_for_plan_og_tiltak_shows_the_plan(personas, login):
    cc = build(personas)
    consent(personas, cc, (STAF, PLAN))
    found = _read(login, personas, "ppt", cc)
    assert leaks(found, cc.of(STAF, PLAN), cc.all) == []
    for route in ("plan", "api-goals", "pdf-plan", "pdf-sammendrag"):
        assert any(m in found[route] for m in cc.of(PLAN)), route
    assert _in(found["pdf-sammendrag"], cc.of(HELSE)) == set()


def test_health_refused_by_a_16_year_old_reaches_no_one_outside_the_owner(personas, login):
    cc = build(personas, age=16)
    # The young person refuses sharing of health information; the parents consent to the rest.
    consent(personas, cc, (HELSE,), decision="refused", by_young_person=True, guardian_ids=[])
    consent(personas, cc, (STAF, PLAN, "kartlegging"))
    found = _read(login, personas, "ppt", cc)
    assert leaks(found, cc.of(STAF, PLAN), cc.all) == []
    # The PDFs' text: the note but not the health note; the plan but not the health goal.
    assert found["pdf-logg"].startswith(PDF) and found["pdf-plan"].startswith(PDF)
    assert _in(found["pdf-logg"], cc.of(STAF, HELSE)) == cc.of(STAF)
    assert _in(found["pdf-plan"], cc.of(PLAN, HELSE)) == {
        m for m in cc.of(PLAN) if "goal" in m or "measure" in m or "eval" in m
    }
    meeting = {m for m in cc.of(PLAN) if any(w in m for w in ("agenda", "family", "referat", "decision", "tasks"))}
    assert _in(found["pdf-referat"], cc.all) == meeting
    own = _read(login, personas, "barnehagelaerer", cc)
    assert leaks(own, cc.all, cc.all) == []
    assert {m for m in cc.of(HELSE) if "note" in m} <= _in(own["pdf-logg"], cc.of(HELSE))
    assert _in(own["pdf-plan"], cc.of(HELSE)) == {m for m in cc.of(HELSE) if "goal" in m}


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
    _withdraw_plan(personas, cc, given)
    stale = ppt.get(f"/utskrift/{job.pk}/last-ned/", follow=True)
    body = stale.content.decode()
    assert "endret siden utskriften ble laget" in body
    assert not any(m in body for m in cc.all)


# --- the other consent states (issue 13 item 8): a reader outside the owning unit gets no
# content marker on any route; the owner still gets them all.


def _nothing_for_ppt(login, personas, cc):
    found = _read(login, personas, "ppt", cc)
    assert leaks(found, set(), cc.all) == []
    own = _read(login, personas, "barnehagelaerer", cc)
    assert leaks(own, cc.all, cc.all) == []


def test_a_withdrawn_consent_shows_nothing(personas, login):
    from consent import services as consent_services

    cc = build(personas)
    given = consent(personas, cc, (STAF, PLAN))
    consent_services.consent_withdraw(
        actor=personas["barnehagelaerer"], case_id=cc.case.pk, consent_id=given.pk, withdrawn_by_name="Marit"
    )
    _nothing_for_ppt(login, personas, cc)


def test_an_expired_consent_shows_nothing(personas, login):
    from datetime import timedelta

    from django.utils import timezone

    from consent.models import Consent

    cc = build(personas)
    given = consent(personas, cc, (STAF, PLAN))
    # The period has passed (set in the row: the form refuses an end date in the past).
    today = timezone.localdate()
    Consent.objects.filter(pk=given.pk).update(
        valid_from=today - timedelta(days=400), valid_until=today - timedelta(days=1)
    )
    _nothing_for_ppt(login, personas, cc)


def test_a_refused_consent_shows_nothing(personas, login):
    cc = build(personas)
    consent(personas, cc, (STAF, PLAN, HELSE), decision="refused")
    _nothing_for_ppt(login, personas, cc)


def test_a_melding_til_barnevernet_opens_no_content_to_others(personas, login):
    from consent import services as consent_services

    cc = build(personas)
    consent_services.melding_barnevern(
        actor=personas["barnehagelaerer"],
        case_id=cc.case.pk,
        law="bhl_46",
        condition="mishandling",
        description="Melding MXmelding",
        violence_or_abuse=False,
    )
    _nothing_for_ppt(login, personas, cc)
    for who in ("helsesykepleier", "kontaktlaerer"):
        found = _read(login, personas, who, cc)
        assert leaks(found, set(), cc.all) == [] and not any("MXmelding" in b for b in found.values()), who


def test_another_kommune_reads_nothing(personas, login):
    cc = build(personas)
    consent(personas, cc, (STAF, PLAN, HELSE))
    found = _read(login, personas, "utenforstaaende", cc)
    assert leaks(found, set(), cc.all) == []
    assert not any(cc.case.display_name in body for body in found.values())


def test_plan_og_tiltak_withdrawn_leaves_the_stafettlogg_and_no_plan_in_any_pdf(personas, login):
    cc = build(personas)
    _withdraw_plan(personas, cc, consent(personas, cc, (STAF, PLAN)))
    found = _read(login, personas, "ppt", cc)
    assert leaks(found, cc.of(STAF), cc.all) == []
    assert found["pdf-logg"].startswith(PDF) and _in(found["pdf-logg"], cc.all) == cc.of(STAF)
    assert _in(found["pdf-plan"], cc.all) == set() and _in(found["pdf-referat"], cc.all) == set()


def test_the_exports_carry_aggregates_and_no_content(personas, login):
    """CSV and XLSX bodies (issue 13 item 8): the leader's overview exports show the unit's
    numbers and never a marker, a child's name or a case link."""
    from oversikt import facts

    cc = build(personas)
    consent(personas, cc, (STAF, PLAN, HELSE))
    facts.refresh_facts(kommune_id=personas["barnehagelaerer"].kommune_id)
    for who in ("kommunalsjef", "barnehagelaerer", "ppt"):
        found = exports(login(personas[who]))
        assert leaks(found, set(), cc.all) == [], who
        for body in found.values():
            assert cc.case.display_name not in body and f"/saker/{cc.case.pk}/" not in body, who
    leader = exports(login(personas["kommunalsjef"]))
    assert set(leader) == set(EXPORTS.values())
    assert "Lia barnehage" in leader["export-csv"] and "Lia barnehage" in leader["export-xlsx"]


def test_posted_answers_carry_what_was_written_and_no_other_content(personas, login):
    """The POST-only routes of ``POSTED``: as the owner and as a unit consented only for
    «Stafettlogg», the answer holds the posted marker at most, never the case's content."""
    from bti.models import Unit

    cc = build(personas)
    consent(personas, cc, (STAF,))
    c = cc.case.pk
    other = Unit.objects.get(name="PPT Eksempel").pk
    for who in ("ppt", "barnehagelaerer"):
        api = _api(personas[who])
        cc.case.refresh_from_db()
        posts = {
            "posted-drofting": (f"/api/v1/saker/{c}/anonym-drofting/", {"with_unit_id": other, "text": "MXposted"}),
            "posted-sharing": (
                f"/api/v1/cases/{c}/sharing/",
                {"with_whom": ["ppt"], "text": "MXposted", "version": cc.case.version},
            ),
            "posted-melding": (
                f"/api/v1/saker/{c}/melding-barnevern/",
                {"law": "bhl_46", "condition": "mishandling", "description": "MXposted"},
            ),
        }
        assert set(posts) == set(POSTED.values())
        for name, (url, data) in posts.items():
            response = api.post(url, data, format="json")
            body = response.content.decode()
            assert response.status_code < 500, (who, name, body)
            assert _in(body, cc.all) == set(), (who, name)
