"""The one-page case summary (issue 17 item 7): ordered on the print page like the other
PDFs, rendered through the read gate for the person who asks, PDF/A-3b and tagged, and one
page also when the plan is long. Which reader sees which marker is in tests/gate."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from samarbeid import services as plan_services
from stafettlogg.models import Stafettholder
from tests.consent.helpers import unit
from tests.gate.content import STAF, build, consent

pytestmark = pytest.mark.django_db


def _summary(client, case_id: int) -> PdfReader:
    response = client.post(reverse("case-print", kwargs={"case_id": case_id}), {"kind": "sammendrag"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf", response.content[:300]
    return PdfReader(io.BytesIO(response.content))


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_owner_gets_one_tagged_pdf_a_page_with_who_level_holder_goals_and_next_evaluation(personas, login):
    cc = build(personas)
    holder = Stafettholder.objects.get(case=cc.case, status="active")
    page = login(personas["barnehagelaerer"]).get(reverse("case-print", kwargs={"case_id": cc.case.pk}))
    assert "Saksoppsummering (én side)" in page.content.decode()  # ordered where the other PDFs are
    reader = _summary(login(personas["barnehagelaerer"]), cc.case.pk)
    assert len(reader.pages) == 1
    text = _text(reader)
    assert "Saksoppsummering" in text and cc.case.display_name in text
    assert "Nivå 2" in text and holder.user.full_name in text
    # The evaluated tiltak goes on («fortsette»): its next evaluation is in 60 days.
    evaluation = (timezone.localdate() + timedelta(days=60)).strftime("%-d.%-m.%Y")
    assert f"{evaluation}: MX{cc.case.pk}xmeasure" in text
    assert any("goaltext" in m and m in text for m in cc.all) and any("measure" in m and m in text for m in cc.all)
    assert "Unntatt offentlighet" in text and "av Kari Nordmann" in text
    # PDF/A-3b and tagged (a structure tree), as the archive's documents.
    root: Any = reader.trailer["/Root"]
    assert "pdfaid" in root["/Metadata"].get_object().get_data().decode()
    assert "/StructTreeRoot" in root


def test_a_long_plan_still_fits_on_one_page(personas, login):
    cc = build(personas)
    kari = personas["barnehagelaerer"]
    today = timezone.localdate()
    for g in range(6):
        goal = plan_services.goal_create(
            actor=kari, case_id=cc.case.pk, text=f"Mål {g} " + "lang tekst " * 40, agreed_with="mor"
        )
        for n in range(3):
            plan_services.measure_create(
                actor=kari,
                case_id=cc.case.pk,
                goal_id=goal.pk,
                description=f"Tiltak {g}.{n} " + "beskrivelse " * 40,
                responsible_unit_id=unit("Lia barnehage").pk,
                responsible_user_id=kari.pk,
                start_date=today,
                evaluation_date=today + timedelta(days=10 + n),
            )
    reader = _summary(login(kari), cc.case.pk)
    assert len(reader.pages) == 1
    assert "Skriv ut planen for alt" in _text(reader)


def test_a_stafettlogg_only_unit_gets_no_goal_or_tiltak_text(personas, login):
    cc = build(personas)
    consent(personas, cc, (STAF,))
    text = _text(_summary(login(personas["ppt"]), cc.case.pk))
    assert cc.case.display_name in text and "Nivå 2" in text
    assert not [m for m in cc.all if m in text]
    assert "Planen er ikke med" in text and "Ingen tiltak venter på evaluering" in text


def test_no_basis_no_summary(personas, login):
    cc = build(personas)
    response = login(personas["helsesykepleier"]).post(
        reverse("case-print", kwargs={"case_id": cc.case.pk}), {"kind": "sammendrag"}
    )
    assert response.status_code == 404
    assert not [m for m in cc.all if m in response.content.decode()]
