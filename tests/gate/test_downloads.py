"""Generated documents are checked when fetched (issue 13 item 5). A stored PDF job is
refused after a consent change (tests/gate/test_content_matrix.py); the innsyn package and
the individuell plan are rendered at every fetch, and a download asked for from a page that
showed something else (a consent withdrawn since) says so and offers the fresh one."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from consent import services as consent_services
from stafettlogg import services as log_services
from tests.consent.helpers import unit
from tests.gate.content import PDF, PLAN, STAF, build, pdf_text

pytestmark = pytest.mark.django_db

PURPOSE = "MXdownloadxconsentxpurpose"
CHANGED = "Innholdet er endret siden siden ble vist"


def _consent(personas, cc):
    today = timezone.localdate()
    return consent_services.consent_register(
        actor=personas["barnehagelaerer"], case_id=cc.case.pk, unit_ids=[unit("PPT Eksempel").pk],
        category_codes=[STAF, PLAN], purpose=PURPOSE, form="written", child_view="Vil ha hjelp.",
        guardian_ids=[cc.guardian.pk], by_young_person=False, decision="given",
        valid_from=today, valid_until=today + timedelta(days=365),
    )  # fmt: skip


def _withdraw(personas, cc, given) -> None:
    consent_services.consent_withdraw(
        actor=personas["barnehagelaerer"], case_id=cc.case.pk, consent_id=given.pk, withdrawn_by_name="Marit"
    )


def _links(body: str, pattern: str) -> list[str]:
    return [link.replace("&amp;", "&") for link in re.findall(rf'href="({pattern}\?grunnlag=[a-p]+)"', body)]


def test_an_individuell_plan_page_shown_before_a_withdrawal_does_not_hand_out_the_old_plan(personas, login):
    cc = build(personas)
    given = _consent(personas, cc)
    kari = login(personas["barnehagelaerer"])
    page = kari.get(f"/saker/{cc.case.pk}/individuell-plan/").content.decode()
    assert PURPOSE in page
    json_link, pdf_link = _links(page, r"/saker/\d+/individuell-plan\.(?:json|pdf)")
    # Unchanged: the download is what the page showed.
    unchanged = kari.get(json_link)
    assert unchanged.status_code == 200 and PURPOSE in unchanged.content.decode()
    _withdraw(personas, cc, given)
    for link in (json_link, pdf_link):
        stale = kari.get(link)
        body = stale.content.decode()
        assert stale.status_code == 409, link
        assert CHANGED in body  # says why
        assert PURPOSE not in body  # the withdrawn consent is not in what is shown now
        fresh = _links(body, r"/saker/\d+/individuell-plan\.(?:json|pdf)")
        assert fresh and link not in fresh  # and offers the fresh one
    fresh_json, fresh_pdf = fresh
    again = kari.get(fresh_json)
    assert again.status_code == 200 and PURPOSE not in again.content.decode()
    text = pdf_text(kari.get(fresh_pdf).content)
    assert text.startswith(PDF) and PURPOSE not in text


def test_an_innsyn_package_after_a_withdrawal_says_so_and_offers_the_fresh_package(personas, login):
    cc = build(personas)
    given = _consent(personas, cc)
    kari = login(personas["barnehagelaerer"])
    page = kari.get(f"/saker/{cc.case.pk}/innsyn/").content.decode()
    assert PURPOSE in page and "trukket tilbake" not in page
    pdf_link, json_link = _links(page, r"/saker/\d+/innsyn\.(?:pdf|json)")
    assert kari.get(json_link).status_code == 200  # the reads the page added do not count as a change
    _withdraw(personas, cc, given)
    for link in (pdf_link, json_link):
        stale = kari.get(link)
        body = stale.content.decode()
        assert stale.status_code == 409, link
        assert CHANGED in body
        # The family's package keeps the consent's history: the fresh one shows the withdrawal.
        assert "trukket tilbake" in body
        fresh = _links(body, r"/saker/\d+/innsyn\.(?:pdf|json)")
        assert fresh and link not in fresh
    fresh_pdf, fresh_json = fresh
    assert "trukket tilbake" in kari.get(fresh_json).content.decode()
    assert pdf_text(kari.get(fresh_pdf).content).startswith(PDF)
    # A direct link without a stamp is handed out as it is now.
    assert kari.get(f"/saker/{cc.case.pk}/innsyn.json").status_code == 200


def test_a_reader_who_lost_the_stafettholder_role_gets_no_innsyn_package(personas, login):
    cc = build(personas)
    _consent(personas, cc)
    kari, per = personas["barnehagelaerer"], personas["ppt"]
    log_services.handover_propose(actor=kari, case_id=cc.case.pk, to_user_id=per.pk, message="Overta")
    log_services.handover_accept(actor=per, case_id=cc.case.pk)
    ppt = login(per)
    page = ppt.get(f"/saker/{cc.case.pk}/innsyn/").content.decode()
    assert any(m in page for m in cc.of(STAF))
    pdf_link, json_link = _links(page, r"/saker/\d+/innsyn\.(?:pdf|json)")
    log_services.handover_propose(actor=per, case_id=cc.case.pk, to_user_id=kari.pk, message="Tilbake")
    log_services.handover_accept(actor=kari, case_id=cc.case.pk)
    for link in (pdf_link, json_link, f"/saker/{cc.case.pk}/innsyn/"):
        response = ppt.get(link)
        assert response.status_code == 404, link
        assert not any(m in response.content.decode() for m in cc.all), link


def test_an_overview_export_after_the_numbers_changed_says_so_and_offers_fresh_links(personas, login):
    from cases import services as case_services
    from oversikt import facts

    cc = build(personas)
    kommune_id = personas["barnehagelaerer"].kommune_id
    facts.refresh_facts(kommune_id=kommune_id)
    leader = login(personas["kommunalsjef"])
    page = leader.get("/oversikt/").content.decode()
    csv_link, xlsx_link = _links(page, r"/oversikt/eksport\.(?:csv|xlsx)")
    unchanged = leader.get(csv_link)
    assert unchanged.status_code == 200 and "Lia barnehage" in unchanged.content.decode("utf-8-sig")
    case_services.undring_create(
        actor=personas["barnehagelaerer"], unit_id=unit("Lia barnehage").pk, observation="Ny undring.",
        child_name="Ny Person", birth_date=timezone.localdate() - timedelta(days=2000),
    )  # fmt: skip
    facts.refresh_facts(kommune_id=kommune_id)
    for link in (csv_link, xlsx_link):
        stale = leader.get(link)
        body = stale.content.decode()
        assert stale.status_code == 409, link
        assert CHANGED in body
        assert not any(m in body for m in cc.all) and "Ny Person" not in body
        fresh = _links(body, r"/oversikt/eksport\.(?:csv|xlsx)")
        assert fresh and link not in fresh
    assert leader.get(fresh[0]).status_code == 200
    assert leader.get(fresh[1]).content.startswith(b"PK")
