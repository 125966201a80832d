"""Messages between the family and the stafettholder (item 6), renewing a consent from the
portal (item 2), read access for a 12–15-year-old (item 3) and the unit's contact (item 7)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from familie.models import FamilyMember, MemberKind, Message
from oversikt.models import Notification
from stafettlogg.models import Entry
from tests.familie.helpers import families, family_client, staff_client
from tests.sealed import rows_with

pytestmark = pytest.mark.django_db

FROM_MOTHER = "Meldingsmarkør-M1: Emma har vondt i hodet igjen"
REPLY = "Svarmarkør-M2: vi kan ta en prat på torsdag"
FROM_EMMA = "Meldingsmarkør-M3: ikke si det til mamma"


@pytest.fixture
def fam(personas, settings):
    settings.DEMO_MODE = True
    fam = families(personas)
    from cases import services as case_services

    # Nivå 1 makes the health nurse Emma's stafettholder.
    case_services.case_change_level(
        actor=personas["helsesykepleier"], case_id=fam.emma.pk, to_level=1, reason="Vi følger opp hodepinen."
    )
    return fam


def _all_mail() -> str:
    return "\n".join(f"{m.subject}\n{m.body}" for m in mail.outbox)


def test_the_mother_writes_and_only_the_thread_carries_the_text(fam, personas, django_capture_on_commit_callbacks):
    kristin = family_client(fam, "kristin")
    url = reverse("familie-messages", args=[fam.emma.pk])
    page = kristin.get(url).content.decode()
    assert "Skriv en melding" in page and "Slik når du enheten" in page and "Helsestasjonen" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = kristin.post(url, {"text": FROM_MOTHER})
    assert response.status_code == 302
    assert FROM_MOTHER in kristin.get(url).content.decode()
    # The stafettlogg says that a message came, never what it says.
    entry = Entry.objects.filter(case=fam.emma, data__event="family_message").get()
    assert FROM_MOTHER not in entry.text and "Ny melding fra familien" in entry.text
    # The stafettholder is told, without the text, and so is the e-mail.
    notes = Notification.objects.filter(case_id=fam.emma.pk, kind="familie")
    assert notes.exists() and all(FROM_MOTHER not in n.text and "Emma" not in n.text for n in notes)
    from oversikt.services import email_send_notification

    for n in notes:
        email_send_notification(notification_id=n.pk)
    assert mail.outbox and FROM_MOTHER not in _all_mail()
    # Staff who work the case see the thread in the family panel.
    panel = staff_client(personas["helsesykepleier"]).get(reverse("familie-panel", args=[fam.emma.pk]))
    assert FROM_MOTHER in panel.content.decode()
    # The other parent has their own thread, and the mother's text is not in it.
    assert FROM_MOTHER not in family_client(fam, "anders").get(url).content.decode()
    # Nor is it in the family's own log.
    assert FROM_MOTHER not in kristin.get(reverse("familie-case", args=[fam.emma.pk])).content.decode()


def test_the_stafettholder_answers_and_the_e_mail_only_has_a_link(fam, personas, django_capture_on_commit_callbacks):
    fam.guardians["kristin"].email = "kristin@example.invalid"
    fam.guardians["kristin"].save()
    hanne = staff_client(personas["helsesykepleier"])
    member = fam.members["kristin"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = hanne.post(
            reverse("familie-message-reply", args=[fam.emma.pk]), {"member": member.pk, "text": REPLY}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    sent = [m for m in mail.outbox if "kristin@example.invalid" in m.to]
    assert len(sent) == 1
    assert REPLY not in sent[0].body and "Emma" not in sent[0].body
    assert reverse("familie-messages", args=[fam.emma.pk]) in sent[0].body
    url = reverse("familie-messages", args=[fam.emma.pk])
    assert REPLY in family_client(fam, "kristin").get(url).content.decode()
    assert REPLY not in family_client(fam, "anders").get(url).content.decode()
    assert REPLY not in family_client(fam, "emma").get(url).content.decode()
    entry = Entry.objects.filter(case=fam.emma, data__event="family_message").get()
    assert REPLY not in entry.text


def test_a_worker_who_is_not_the_stafettholder_cannot_write(fam, personas):
    """The school's leader works Theo's case, but Ola is its stafettholder."""
    rektor = staff_client(personas["rektor"])
    response = rektor.post(
        reverse("familie-message-reply", args=[fam.theo.pk]), {"member": fam.members["marte"].pk, "text": REPLY}
    )
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert "Bare stafettholderen" in response.content.decode()
    assert not Message.objects.filter(text=REPLY).exists()


def test_100000_characters_stay_in_the_box_with_the_error_next_to_it(fam):
    kristin = family_client(fam, "kristin")
    long_text = "Langtekstmarkør-M4 " + "x" * 100_000
    response = kristin.post(reverse("familie-messages", args=[fam.emma.pk]), {"text": long_text})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Den kan ha høyst 5000 tegn" in body
    assert 'id="id_text_feil"' in body or "id_text_feil" in body
    assert long_text in body  # nothing lost: the whole text is back in the box
    assert "maxlength" not in body.split('name="text"')[1].split(">")[0]
    assert not Message.objects.exists()


def test_another_familys_case_is_404_and_no_message_is_written(fam):
    kristin = family_client(fam, "kristin")
    url = reverse("familie-messages", args=[fam.theo.pk])
    assert kristin.get(url).status_code == 404
    assert kristin.post(url, {"text": FROM_MOTHER}).status_code == 404
    # A father without foreldreansvar is refused too.
    assert family_client(fam, "jonas").post(url, {"text": FROM_MOTHER}).status_code in (403, 404)
    assert not Message.objects.exists()


def test_after_a_c18_hold_the_parent_cannot_message(fam):
    """Theo's case has an entry held back for suspected violence (C-18)."""
    marte = family_client(fam, "marte")
    url = reverse("familie-messages", args=[fam.theo.pk])
    page = marte.get(url).content.decode()
    assert "Ta kontakt med enheten direkte" in page and 'name="text"' not in page
    assert "Solberg skole" in page  # how to reach the unit instead
    response = marte.post(url, {"text": FROM_MOTHER})
    assert response.status_code == 400
    assert not Message.objects.exists()
    # The page does not say why (the suspicion itself is held back).
    assert "vold" not in page.lower() and fam.held_text not in page


def test_the_16_year_old_writes_and_her_parents_do_not_read_it(fam, personas):
    emma = family_client(fam, "emma")
    url = reverse("familie-messages", args=[fam.emma.pk])
    assert emma.post(url, {"text": FROM_EMMA}).status_code == 302
    assert FROM_EMMA in emma.get(url).content.decode()
    for parent in ("kristin", "anders"):
        assert FROM_EMMA not in family_client(fam, parent).get(url).content.decode()
    panel = staff_client(personas["helsesykepleier"]).get(reverse("familie-panel", args=[fam.emma.pk]))
    assert FROM_EMMA in panel.content.decode()


def _youth(fam, personas, years: int):
    """A child of ``years`` on a new case of the school, with a test ID-porten login."""
    from bti.security.oidc import pid_index
    from cases import services as case_services
    from familie.demo import _born

    ola = personas["kontaktlaerer"]
    from bti.models import Unit

    school = Unit.objects.get(kommune_id=ola.kommune_id, name="Solberg skole")
    case = case_services.undring_create(
        actor=ola, unit_id=school.pk, observation="Ungdomsmarkør-U0: trives ikke", child_name="Sara Berg",
        birth_date=_born(years),
    )  # fmt: skip
    case.refresh_from_db()
    member = FamilyMember.objects.create(
        kommune_id=case.kommune_id, child_id=case.child_id or 0, kind=MemberKind.UNGDOM,
        pid_index=pid_index("06901099123"), is_demo=True, demo_label="Sara Berg (13)",
    )  # fmt: skip
    fam.members["sara"] = member
    return case, member


def test_staff_give_a_13_year_old_read_access_and_she_reads_but_does_not_write(fam, personas):
    case, member = _youth(fam, personas, 13)
    sara = family_client(fam, "sara")
    assert sara.get(reverse("familie-case", args=[case.pk])).status_code in (403, 404)
    ola = staff_client(personas["kontaktlaerer"])
    panel = ola.get(reverse("familie-panel", args=[case.pk])).content.decode()
    assert "Lesetilgang for barnet" in panel
    reason = "Begrunnelsesmarkør-U1: Sara ønsker å følge saken selv"
    url = reverse("familie-read-grant", args=[case.pk])
    assert ola.post(url, {"member": member.pk, "granted": "1", "reason": ""}).status_code == 400
    assert ola.post(url, {"member": member.pk, "granted": "1", "reason": reason}).status_code == 302
    member.refresh_from_db()
    assert member.read_granted
    assert rows_with(Entry.objects.filter(case=case, data__event="youth_read_grant"), "text", contains=reason)
    body = sara.get(reverse("familie-case", args=[case.pk])).content.decode()
    assert "Ungdomsmarkør-U0" in body or "Sara Berg" in body
    page = sara.get(reverse("familie-messages", args=[case.pk])).content.decode()
    assert "ikke sende meldinger" in page and 'name="text"' not in page
    assert sara.post(reverse("familie-messages", args=[case.pk]), {"text": FROM_EMMA}).status_code == 400
    # She reads, she does not decide: no consent form, and a posted answer is refused.
    page = sara.get(reverse("familie-consent", args=[case.pk])).content.decode()
    assert "foreldrene dine svarer på samtykke" in page and "Send svaret" not in page
    from bti.models import Unit

    ppt = Unit.objects.get(kommune_id=case.kommune_id, name="PPT Eksempel")
    response = sara.post(
        reverse("familie-consent", args=[case.pk]),
        {"decision": "given", "unit": ppt.pk, "categories": ["stafettlogg"], "purpose": "Formålsmarkør-U2"},
    )
    assert response.status_code == 400 and "foreldrene dine svarer på samtykke" in response.content.decode()
    from consent.models import Consent

    assert not Consent.objects.filter(case=case).exists()


def test_an_11_year_old_cannot_be_given_read_access(fam, personas):
    case, member = _youth(fam, personas, 11)
    response = staff_client(personas["kontaktlaerer"]).post(
        reverse("familie-read-grant", args=[case.pk]), {"member": member.pk, "granted": "1", "reason": "Fordi"}
    )
    assert response.status_code == 400 and "minst 12 år" in response.content.decode()
    member.refresh_from_db()
    assert not member.read_granted


def test_the_mother_renews_a_consent_that_runs_out_soon(fam):
    from consent.models import Consent

    consent = Consent.objects.get(case=fam.theo)
    consent.valid_until = timezone.localdate() + timedelta(days=10)
    consent.save(update_fields=["valid_until"])
    marte = family_client(fam, "marte")
    page = marte.get(reverse("familie-consent", args=[fam.theo.pk])).content.decode()
    assert "Forny samtykket" in page
    until = timezone.localdate() + timedelta(days=300)
    response = marte.post(
        reverse("familie-consent-renew", args=[fam.theo.pk, consent.pk]), {"valid_until": until.isoformat()}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    renewal = Consent.objects.get(renews=consent)
    assert renewal.valid_until == until and renewal.purpose == consent.purpose
    page = marte.get(reverse("familie-consent", args=[fam.theo.pk])).content.decode()
    assert "Forny samtykket" not in page


def test_a_consent_far_from_running_out_is_not_renewed(fam):
    from consent.models import Consent

    consent = Consent.objects.get(case=fam.theo)
    marte = family_client(fam, "marte")
    assert "Forny samtykket" not in marte.get(reverse("familie-consent", args=[fam.theo.pk])).content.decode()
    response = marte.post(
        reverse("familie-consent-renew", args=[fam.theo.pk, consent.pk]),
        {"valid_until": (timezone.localdate() + timedelta(days=300)).isoformat()},
    )
    assert response.status_code == 400 and "kan ikke fornyes" in response.content.decode()
    assert not Consent.objects.filter(renews=consent).exists()
