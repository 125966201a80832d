"""The BTI-undersøkelsen: rounds, anonymous answers, suppressed results, comparison, reports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import DateField, DateTimeField, ForeignKey
from django.urls import reverse
from django.utils import timezone

from bti.models import Kommune, Unit
from tests.undersokelse.helpers import HIGH, LOW, answer, open_round, staff
from tests.undersokelse.helpers import closed_round as _closed_round
from undersokelse import selectors, services
from undersokelse.models import FreeText, Respondent, Response, RoundStatus

pytestmark = pytest.mark.django_db

BARNEHAGER = ["Lia barnehage", "Solsikken barnehage", "Bakketoppen barnehage"]


def test_it_lets_korus_open_a_round_and_invites_the_staff_by_email(personas, django_capture_on_commit_callbacks):
    staff("Lia barnehage", 2)
    with django_capture_on_commit_callbacks(execute=True):
        survey = open_round(personas, ["Lia barnehage"])
    assert survey.status == RoundStatus.OPEN
    assert survey.korus is not None and survey.korus.name == "KoRus Eksempelregionen"
    invited = set(Respondent.objects.filter(round=survey).values_list("user__email", flat=True))
    assert "kari.nordmann@eksempel.kommune.no" in invited and "lise.berg@eksempel.kommune.no" in invited
    assert {m.to[0] for m in mail.outbox} == invited
    assert all("anonyme" in m.body and "Kari" not in m.body for m in mail.outbox)


def test_it_stores_no_trace_of_the_writer_in_an_answer_row(personas):
    """No user, no time, no order, no small unit: nothing in an answer row identifies its writer."""
    for field in Response._meta.get_fields() + FreeText._meta.get_fields():
        assert not isinstance(field, DateTimeField | DateField), field
        if isinstance(field, ForeignKey):
            assert getattr(field.related_model, "__name__", "") in {"Kommune", "SurveyRound", "Service", "Unit"}, field
    assert Response._meta.pk.get_internal_type() == "UUIDField"
    big = staff("Solberg skole", 6)
    survey = open_round(personas, ["Solberg skole", "Lia barnehage"])  # Lia: 3 people, under the threshold
    writers = [personas["barnehagelaerer"], personas["styrer"], *big]
    for user in writers:
        answer(user, survey, vurderinger__fritekst=f"Mer tid til samarbeid {user.pk}-merke")
    rows = list(Response.objects.filter(round=survey).values())
    assert len(rows) == len(writers)
    identities = {str(u.pk) for u in writers} | {u.email for u in writers} | {u.full_name for u in writers}
    for row in rows:
        flat = " ".join(str(v) for v in row.values())
        assert not any(
            ident in flat.split() or f"'{ident}'" in flat for ident in identities if "@" in ident or " " in ident
        )
        assert set(row) == {"id", "kommune_id", "round_id", "service_id", "unit_id", "answers"}
        assert set(row["answers"]) <= set(HIGH)
    lia = Unit.objects.get(name="Lia barnehage")
    assert not Response.objects.filter(round=survey, unit=lia).exists()  # too small to be stored
    assert Response.objects.filter(round=survey, unit__name="Solberg skole").count() == 6
    # Answer order cannot be read from the rows: after closing, one transaction wrote them
    # all in random order with new ids, and touched every respondent row too.
    before = set(Response.objects.filter(round=survey).values_list("id", flat=True))
    services.round_close(actor=personas["korus"], round_id=survey.pk)
    after = set(Response.objects.filter(round=survey).values_list("id", flat=True))
    assert before.isdisjoint(after)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT xmin::text) FROM undersokelse_response WHERE round_id = %s", [survey.pk])
        assert cursor.fetchone()[0] == 1
        cursor.execute(
            "SELECT count(DISTINCT xmin::text) FROM undersokelse_respondent WHERE round_id = %s", [survey.pk]
        )
        assert cursor.fetchone()[0] == 1
    # Groups under five are coarsened at closing: «Barnehage» had 2 answers.
    assert not Response.objects.filter(round=survey, service__name="Barnehage").exists()
    assert FreeText.objects.filter(round=survey, unit__isnull=True, service__isnull=True).count() == 2


def test_it_refuses_a_second_answer_and_keeps_the_first(personas):
    survey = open_round(personas, ["Lia barnehage"])
    answer(personas["barnehagelaerer"], survey)
    with pytest.raises(ValidationError, match="allerede svart"):
        answer(personas["barnehagelaerer"], survey, LOW)
    assert Response.objects.filter(round=survey).count() == 1
    assert Response.objects.get(round=survey).answers == HIGH


def test_it_refuses_answers_from_people_outside_the_invited_units_and_outside_the_period(personas):
    survey = open_round(personas, ["Lia barnehage"])
    with pytest.raises(ValidationError, match="ikke invitert"):
        answer(personas["kontaktlaerer"], survey)
    services.round_close(actor=personas["korus"], round_id=survey.pk)
    with pytest.raises(ValidationError, match="ikke åpen"):
        answer(personas["barnehagelaerer"], survey)


def test_it_refuses_a_round_that_closes_before_it_opens(personas):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.round_save(
            actor=personas["korus"],
            kommune_id=personas["barnehagelaerer"].kommune_id,
            title="Feil periode",
            opens_on=today,
            closes_on=today - timedelta(days=3),
            unit_ids=[Unit.objects.get(name="Lia barnehage").pk],
        )
    assert "kan ikke stenge før den åpner" in exc.value.message_dict["closes_on"][0]


def test_it_strips_a_fodselsnummer_and_warns_about_names_before_sending(personas):
    survey = open_round(personas, ["Lia barnehage"])
    texts = {"barrierer.fritekst": "Saken om Emma Hansen, 01017012345, tok for lang tid."}
    with pytest.raises(services.TextWarning) as exc:
        services.answer_submit(actor=personas["barnehagelaerer"], round_id=survey.pk, scores=HIGH, texts=texts)
    warning = " ".join(exc.value.message_dict["barrierer.fritekst"])
    assert "fødselsnummer" in warning and "Emma Hansen" in warning
    assert not Response.objects.filter(round=survey).exists()
    services.answer_submit(
        actor=personas["barnehagelaerer"], round_id=survey.pk, scores=HIGH, texts=texts, confirmed=True
    )
    stored = FreeText.objects.get(round=survey).text
    assert "01017012345" not in stored and "[fødselsnummer fjernet]" in stored


def test_it_suppresses_small_groups_and_their_complement(personas):
    survey = _closed_round(personas)
    results = selectors.round_results(survey)
    assert results is not None
    root = results.cells[selectors.ROOT]
    assert root.n == 16 and not root.hidden
    # Helsestasjonen (3, coarsened to «unknown service») is hidden; so one more service is
    # hidden, or 16 − 13 would give its 3 answers away.
    skole = next(c for c in results.services if c.label == "Skole")
    helse = next(c for c in results.services if c.label.startswith("Helsestasjon"))
    assert helse.hidden and helse.shown_n == "<5"
    assert skole.hidden  # the complement
    units = {c.label: c for c in results.units[skole.key]}
    assert units["Nordby skole"].hidden  # or Skole = Solberg + Nordby would give it away
    assert not units["Solberg skole"].hidden and units["Solberg skole"].themes["kunnskap"].mean == 5.0


def test_it_shows_results_only_for_closed_rounds(personas, login):
    survey = open_round(personas, ["Lia barnehage"])
    body = login(personas["bti_koordinator"]).get(reverse("survey-results", kwargs={"round_id": survey.pk}))
    assert body.status_code == 200
    assert "Resultatene vises når runden er avsluttet" in body.content.decode()
    assert selectors.round_results(survey) is None


def test_it_shows_the_koordinator_results_per_theme_with_comparison(personas, login):
    first = _closed_round(personas, title="Før", scores=LOW, days_ago=200)
    Kommune.objects.filter(pk=first.kommune_id)  # same kommune
    second = _closed_round(personas, title="Etter", scores=HIGH, days_ago=20)
    client = login(personas["bti_koordinator"])
    url = reverse("survey-results", kwargs={"round_id": second.pk})
    body = client.get(url).content.decode()
    assert "Kunnskap om BTI" in body and "Sammenlignet med «Før»" in body
    assert "+3.0" in body or "+3,0" in body
    assert "Fritekst-Etter-" in body and "Fritekst-Før-" not in body
    # A filter on a group of three answers: a clear message, no numbers.
    helse = Unit.objects.get(name="Helsestasjonen")
    filtered = client.get(url, {"enhet": helse.pk}).content.decode()
    assert "har for få svar til å vises" in filtered
    assert "Fritekst-Etter-" not in filtered
    # The htmx partial carries the same.
    partial = client.get(url, {"enhet": helse.pk}, headers={"HX-Request": "true"}).content.decode()
    assert "har for få svar til å vises" in partial and "<html" not in partial
    nordby = Unit.objects.get(name="Nordby skole")
    assert "Nordby skole" in client.get(url, {"enhet": nordby.pk}).content.decode()


def test_it_gives_the_report_as_pdf_and_csv_without_hidden_groups(personas, login):
    import io

    from pypdf import PdfReader

    survey = _closed_round(personas, title="Rapport")
    client = login(personas["bti_koordinator"])
    pdf = client.get(reverse("survey-report-pdf", kwargs={"round_id": survey.pk}))
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Kunnskap om BTI" in text and "Solberg skole" in text and "Fritekst-Rapport-" in text
    csv_body = client.get(reverse("survey-report-csv", kwargs={"round_id": survey.pk})).content.decode()
    assert "Solberg skole" in csv_body and "Kunnskap om BTI" in csv_body
    for line in csv_body.splitlines():
        if "Helsestasjon" in line:
            assert line.split(";")[6] == ""  # no mean for a hidden group


def test_it_answers_404_to_korus_for_a_kommune_it_does_not_follow(personas, login):
    nabo = Kommune.objects.get(number="9902")
    client = login(personas["korus"])
    assert client.get(reverse("survey-kommune", kwargs={"kommune_id": nabo.pk})).status_code == 404
    assert client.get(reverse("survey-round-new", kwargs={"kommune_id": nabo.pk})).status_code == 404
    eksempel = personas["barnehagelaerer"].kommune
    page = client.get(reverse("survey-kommune", kwargs={"kommune_id": eksempel.pk}))
    assert page.status_code == 200 and "Ny runde" in page.content.decode()
    # Neither the outsider nor ordinary staff see the kommune's rounds.
    for key in ("utenforstaaende", "barnehagelaerer"):
        assert (
            login(personas[key]).get(reverse("survey-kommune", kwargs={"kommune_id": eksempel.pk})).status_code == 404
        )


def test_it_walks_a_staff_member_through_the_answer_page(personas, login):
    survey = open_round(personas, ["Lia barnehage"])
    client = login(personas["barnehagelaerer"])
    home = client.get(reverse("home")).content.decode()
    assert "Du er invitert til å svare" in home
    url = reverse("survey-answer", kwargs={"round_id": survey.pk})
    page = client.get(url).content.decode()
    assert "Kunnskap om BTI" in page and "Tidlig inn" in page and "anonymt" in page
    data = {"q_kunnskap__modell": "4", "q_barrierer__fritekst": "Ring 01017012345 om Emma Hansen"}
    warned = client.post(url, data).content.decode()
    assert "fødselsnummer" in warned and "Emma Hansen" in warned and "Ring 01017012345" in warned
    assert not Response.objects.filter(round=survey).exists()
    done = client.post(url, {**data, "confirmed": "on"}, follow=True).content.decode()
    assert "Takk! Svaret ditt er lagret uten navn." in done
    assert Response.objects.get(round=survey).answers == {"kunnskap.modell": 4}
    again = client.post(url, data).content.decode()
    assert "Du har svart på denne undersøkelsen" in again
    assert Response.objects.filter(round=survey).count() == 1
    assert login(personas["kontaktlaerer"]).get(url).status_code == 404


def test_it_lets_the_koordinator_create_open_remind_and_close_through_the_pages(personas, login):
    client = login(personas["bti_koordinator"])
    kommune_id = personas["bti_koordinator"].kommune_id
    today = timezone.localdate()
    new = reverse("survey-round-new", kwargs={"kommune_id": kommune_id})
    bad = client.post(
        new, {"title": "Vår-merke", "opens_on": today.isoformat(), "closes_on": (today - timedelta(days=1)).isoformat()}
    )
    body = bad.content.decode()
    assert "kan ikke stenge før den åpner" in body and "Dette må rettes" in body and "Vår-merke" in body
    barnehage = personas["barnehagelaerer"].memberships.first().unit.service_id
    ok = client.post(
        new,
        {
            "title": "Vår-merke",
            "opens_on": today.isoformat(),
            "closes_on": (today + timedelta(days=7)).isoformat(),
            "services": [barnehage],
        },
    )
    assert ok.status_code == 302
    detail = ok["Location"]
    assert "Lia barnehage" in client.get(detail).content.decode()
    client.post(detail + "apne/")
    assert "Åpen for svar" in client.get(detail).content.decode()
    reminded = client.post(detail + "paminnelse/", follow=True).content.decode()
    assert "Påminnelse sendt til" in reminded
    twice = client.post(detail + "paminnelse/", follow=True).content.decode()
    assert "under et døgn siden" in twice
    closed = client.post(detail + "avslutt/", follow=True).content.decode()
    assert "Resultatene kan nå leses" in closed
