"""The arkivmelding of a case and its delivery (issue 15 item 2): it validates against the
Fiks Arkiv V1 schema, its documents are PDF/A and tagged, the file drop delivers it end to
end, the Fiks Arkiv transport is answered by a local stand-in that validates the message
and sends a kvittering, and a failed delivery is retried and shown to the administrator."""

from __future__ import annotations

import io
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from lxml import etree
from pypdf import PdfReader

from arkiv import arkivmelding, delivery, tasks_delivery, transports
from arkiv.models import Delivery, DeliveryStatus
from samarbeid import services as samarbeid_services
from tests.kommuneadmin.helpers import nabo
from tests.samarbeid import helpers

pytestmark = pytest.mark.django_db

GOAL_MARKER = "Arkivmål-7QX"
REFERAT_MARKER = "Arkivreferat-9KD"
SUMMARY_MARKER = "Arkivoppsummering-3LM"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdf_xmp(content: bytes) -> str:
    root: Any = PdfReader(io.BytesIO(content)).trailer["/Root"]
    return root["/Metadata"].get_object().get_data().decode("utf-8")


def _case_with_content(personas: dict[str, Any]) -> Any:
    built = helpers.plan_case(personas)
    case = built["case"]
    helpers.goal(personas, case, text=f"{GOAL_MARKER} Emma har en venn")
    helpers.held(built["meeting"])
    samarbeid_services.meeting_write_referat(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        meeting_id=built["meeting"].pk,
        referat=f"{REFERAT_MARKER} Vi snakket om frilek.",
        decisions="Fortsette tiltaket",
    )
    return case


def _close(personas, login, case, django_capture_on_commit_callbacks) -> Client:
    client = login(personas["barnehagelaerer"])
    case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("case-close", kwargs={"case_id": case.pk}),
            {
                "reason": "mal_nadd",
                "summary": SUMMARY_MARKER,
                "family_informed": "Foreldrene vet",
                "version": case.version,
            },
        )
    assert response.status_code == 302
    return client


def _kvittering(mappe_id: str, registrering_id: str) -> bytes:
    ns = arkivmelding.KVITTERING_NS
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><arkivmeldingKvittering xmlns="{ns}">'
        f"<mappeKvittering><systemID>{mappe_id}</systemID><opprettetEllerEksisterende>Opprettet</opprettetEllerEksisterende></mappeKvittering>"
        f"<registreringKvittering><systemID>{registrering_id}</systemID><opprettetEllerEksisterende>Opprettet</opprettetEllerEksisterende></registreringKvittering>"
        "</arkivmeldingKvittering>"
    ).encode()


# --- The message --------------------------------------------------------------------------


def test_the_arkivmelding_of_a_closed_case_validates_and_holds_its_documents(
    personas, login, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.ARKIV_FILEDROP_DIR = str(tmp_path / "ut")
    case = _case_with_content(personas)
    _close(personas, login, case, django_capture_on_commit_callbacks)
    case.refresh_from_db()
    package = arkivmelding.build(case)
    assert arkivmelding.validate(package.xml) == []
    root = etree.fromstring(package.xml)
    ns = {"a": arkivmelding.NS}
    assert root.findtext("a:mappe/a:skjerming/a:skjermingshjemmel", namespaces=ns) == "Offl. § 13, jf. fvl. § 13"
    assert root.findtext("a:mappe/a:klassifikasjon/a:klasseID", namespaces=ns)
    assert case.display_name in [p.text for p in root.findall("a:mappe/a:part/a:partNavn", ns)]
    # The public title hides the child's name.
    assert case.display_name not in root.findtext("a:mappe/a:offentligTittel", namespaces=ns)
    titles = [t.text for t in root.findall("a:registrering/a:dokumentbeskrivelse/a:tittel", ns)]
    assert titles[0] == "Stafettlogg" and "Plan" in titles and "Samtykker" in titles and "Avslutning" in titles
    assert any(t.startswith("Referat fra samarbeidsmøte") for t in titles)
    assert int(root.findtext("a:antallFiler", namespaces=ns)) == len(package.documents) == len(titles)
    texts = {d.title: pdf_text(d.content) for d in package.documents}
    assert GOAL_MARKER in texts["Plan"] and GOAL_MARKER not in texts["Avslutning"]
    assert SUMMARY_MARKER in texts["Avslutning"] and SUMMARY_MARKER in texts["Stafettlogg"]
    assert any(REFERAT_MARKER in t for title, t in texts.items() if title.startswith("Referat"))
    checksums = [c.text for c in root.findall("a:registrering/a:dokumentbeskrivelse/a:dokumentobjekt/a:sjekksum", ns)]
    assert checksums == [d.sha256 for d in package.documents]


def test_a_message_that_breaks_the_schema_fails_validation_and_is_never_handed_out(personas, monkeypatch):
    case = helpers.plan_case(personas)["case"]
    package = arkivmelding.build(case)
    root = etree.fromstring(package.xml)
    mappe = root.find(f"{{{arkivmelding.NS}}}mappe")
    mappe.remove(mappe.find(f"{{{arkivmelding.NS}}}tittel"))
    errors = arkivmelding.validate(etree.tostring(root))
    assert errors and any("tittel" in e for e in errors)
    # build() refuses a message the schema rejects.
    monkeypatch.setattr(arkivmelding, "message_xml", lambda *a: etree.tostring(root))
    with pytest.raises(arkivmelding.InvalidMessage):
        arkivmelding.build(case)


def test_the_archived_documents_are_pdf_a_and_tagged(personas):
    case = helpers.plan_case(personas)["case"]
    document = arkivmelding.build(case).documents[0]
    xmp = pdf_xmp(document.content)
    assert 'pdfaid:part="3"' in xmp or "<pdfaid:part>3</pdfaid:part>" in xmp
    assert 'pdfaid:conformance="B"' in xmp or "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    root: Any = PdfReader(io.BytesIO(document.content)).trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]


# --- File drop ----------------------------------------------------------------------------


def test_the_file_drop_delivers_on_close_and_records_the_archives_kvittering(
    personas, login, settings, tmp_path, django_capture_on_commit_callbacks
):
    drop = tmp_path / "arkiv-ut"
    settings.ARKIV_TRANSPORT = "filedrop"
    settings.ARKIV_FILEDROP_DIR = str(drop)
    case = _case_with_content(personas)
    client = _close(personas, login, case, django_capture_on_commit_callbacks)
    row = Delivery.objects.get(case=case)
    assert row.status == DeliveryStatus.SENDT and row.attempts == 1 and row.transport == "filedrop"
    assert not delivery.acknowledged(case)
    body = client.get(reverse("case-close", kwargs={"case_id": case.pk})).content.decode()
    assert 'data-archive-status="sendt"' in body and "Husk å skrive ut" not in body
    zipped = drop / row.reference
    assert zipped.suffix == ".zip" and not list(drop.glob(".*.tmp"))
    with zipfile.ZipFile(zipped) as archive:
        names = archive.namelist()
        xml = archive.read("arkivmelding.xml")
        plan = next(n for n in names if n.endswith("-plan.pdf"))
        assert GOAL_MARKER in pdf_text(archive.read(plan))
    assert arkivmelding.validate(xml) == []
    assert len(names) == 1 + int(etree.fromstring(xml).findtext(f"{{{arkivmelding.NS}}}antallFiler"))
    # The archive puts its kvittering next to the message; the beat task picks it up.
    (drop / f"{row.reference}.kvittering.xml").write_bytes(
        _kvittering(arkivmelding.system_id("case", case.pk), arkivmelding.system_id("journalpost", case.pk))
    )
    assert tasks_delivery.poll_receipts() == 1
    row.refresh_from_db()
    assert row.status == DeliveryStatus.KVITTERT and row.acknowledged_at
    assert delivery.acknowledged(case)
    body = client.get(reverse("case-close", kwargs={"case_id": case.pk})).content.decode()
    assert 'data-archive-status="kvittert"' in body and "Kvittert av arkivet" in body
    # A rerun of the task changes nothing.
    assert tasks_delivery.poll_receipts() == 0


def test_the_file_drop_can_write_a_folder_per_message(personas, tmp_path):
    case = helpers.plan_case(personas)["case"]
    transport = transports.FileDropTransport(tmp_path, as_zip=False)
    result = transport.send(arkivmelding.build(case), delivery_id=41)
    folder = tmp_path / result.reference
    assert (folder / "arkivmelding.xml").is_file()
    assert arkivmelding.validate((folder / "arkivmelding.xml").read_bytes()) == []
    assert any(p.name.endswith("-stafettlogg.pdf") for p in folder.iterdir())


# --- Fiks Arkiv against a local stand-in ------------------------------------------------


class StandIn:
    """A local Fiks Arkiv stand-in: unpacks the zip, validates the arkivmelding against
    the schema and answers with an arkivmeldingKvittering (or an error while ``failing``)."""

    def __init__(self) -> None:
        self.failing: int | None = None
        self.received: list[dict[str, Any]] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if stand_in.failing:
                    self._answer(stand_in.failing, b"Arkivet er nede for vedlikehold")
                    return
                with zipfile.ZipFile(io.BytesIO(body)) as archive:
                    xml = archive.read("arkivmelding.xml")
                    names = archive.namelist()
                errors = arkivmelding.validate(xml)
                stand_in.received.append(
                    {"type": self.headers["X-Fiks-Meldingstype"], "names": names, "errors": errors}
                )
                if errors:
                    self._answer(400, "\n".join(errors).encode())
                    return
                root = etree.fromstring(xml)
                ns = {"a": arkivmelding.NS}
                self._answer(
                    200,
                    _kvittering(
                        root.findtext("a:mappe/a:systemID", namespaces=ns),
                        root.findtext("a:registrering/a:systemID", namespaces=ns),
                    ),
                )

            def _answer(self, status: int, content: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/arkivmelding"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def stand_in(settings) -> Iterator[StandIn]:
    server = StandIn()
    server.thread.start()
    settings.ARKIV_TRANSPORT = "fiks"
    settings.ARKIV_FIKS_URL = server.url
    settings.ARKIV_FIKS_TIMEOUT = 5
    yield server
    server.server.shutdown()
    server.server.server_close()


def test_fiks_arkiv_delivers_and_the_stand_ins_kvittering_is_recorded(
    personas, login, stand_in, django_capture_on_commit_callbacks
):
    case = _case_with_content(personas)
    client = _close(personas, login, case, django_capture_on_commit_callbacks)
    row = Delivery.objects.get(case=case)
    assert row.status == DeliveryStatus.KVITTERT and row.transport == "fiks" and row.attempts == 1
    assert stand_in.received and stand_in.received[0]["errors"] == []
    assert stand_in.received[0]["type"] == arkivmelding.MESSAGE_TYPE
    assert arkivmelding.system_id("case", case.pk) in row.kvittering
    assert delivery.acknowledged(case)
    body = client.get(reverse("case-close", kwargs={"case_id": case.pk})).content.decode()
    assert 'data-archive-status="kvittert"' in body


def test_the_stand_in_refuses_an_invalid_message(personas, stand_in):
    case = helpers.plan_case(personas)["case"]
    package = arkivmelding.build(case)
    package.xml = package.xml.replace(b"<system>", b"<systemX>").replace(b"</system>", b"</systemX>")
    with pytest.raises(transports.TransportError, match="HTTP 400"):
        transports.configured().send(package, delivery_id=1)
    assert stand_in.received[-1]["errors"]


def test_a_failing_archive_is_retried_bounded_shown_to_the_administrator_and_sent_again(
    personas, login, admin, stand_in, django_capture_on_commit_callbacks
):
    stand_in.failing = 503
    case = _case_with_content(personas)
    client = _close(personas, login, case, django_capture_on_commit_callbacks)
    row = Delivery.objects.get(case=case)
    # Celery is eager in tests: every retry ran, and it stopped after the bound.
    assert row.status == DeliveryStatus.FEILET and row.attempts == delivery.MAX_ATTEMPTS
    assert "HTTP 503" in row.last_error and "vedlikehold" in row.last_error
    assert not delivery.acknowledged(case)
    assert (
        'data-archive-status="feilet"'
        in client.get(reverse("case-close", kwargs={"case_id": case.pk})).content.decode()
    )

    page = admin.get(reverse("arkiv-deliveries")).content.decode()
    assert page.count("<h1") == 1 and "vedlikehold" in page and f"Send sak {case.pk} på nytt" in page
    # The administrator sees the case number and the error, never what the case says.
    assert case.display_name not in page and GOAL_MARKER not in page
    # Another kommune's administrator sees nothing of it and cannot retry it.
    other = Client()
    other.force_login(nabo(personas)["admin"], backend="bti.auth_backends.EmailBackend")
    assert "vedlikehold" not in other.get(reverse("arkiv-deliveries")).content.decode()
    assert other.post(reverse("arkiv-delivery-retry", kwargs={"delivery_id": row.pk})).status_code == 404
    # Staff without the administrator role do not get the page.
    staff = login(personas["barnehagelaerer"]).get(reverse("arkiv-deliveries"))
    assert staff.status_code in (302, 403, 404) and "vedlikehold" not in staff.content.decode()

    stand_in.failing = None
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("arkiv-delivery-retry", kwargs={"delivery_id": row.pk}), follow=True)
    assert "Arkivmeldingen sendes på nytt." in response.content.decode()
    row.refresh_from_db()
    assert row.status == DeliveryStatus.KVITTERT and row.last_error == "" and delivery.acknowledged(case)
    # Retrying something that did not fail is refused with a message, not a 500.
    again = admin.post(reverse("arkiv-delivery-retry", kwargs={"delivery_id": row.pk}), follow=True)
    assert again.status_code == 200 and "Bare en levering som har feilet" in again.content.decode()


def test_an_archive_that_does_not_answer_is_a_recorded_failure(personas, settings, tmp_path):
    settings.ARKIV_TRANSPORT = "fiks"
    settings.ARKIV_FIKS_URL = "http://127.0.0.1:9/nobody"
    settings.ARKIV_FIKS_TIMEOUT = 1
    case = helpers.plan_case(personas)["case"]
    row = Delivery.objects.create(kommune_id=case.kommune_id, case=case, transport="fiks")
    result = delivery.attempt(row.pk)
    assert result is not None and result.status == DeliveryStatus.FEILET and "ConnectionError" in result.last_error
    assert delivery.backoff(1) == 60 and delivery.backoff(3) == 240 and delivery.backoff(20) == 3600


def test_a_kvittering_reporting_failure_is_not_an_acknowledgement():
    ns = arkivmelding.KVITTERING_NS
    failed = f'<arkivmeldingKvittering xmlns="{ns}"><mappeFeilet><feilmelding>Ugyldig klasse</feilmelding></mappeFeilet></arkivmeldingKvittering>'
    with pytest.raises(ValueError, match="Ugyldig klasse"):
        arkivmelding.parse_kvittering(failed.encode())
    with pytest.raises(ValueError):
        arkivmelding.parse_kvittering(b"<html>502 Bad Gateway</html>")


def test_the_schemas_are_in_the_repository_with_their_licence():
    folder = Path(arkivmelding.SCHEMA_DIR)
    assert (folder / "LICENSE").read_text().startswith("MIT") or "MIT" in (folder / "LICENSE").read_text()
    assert (folder / "metadatakatalog.xsd").is_file() and arkivmelding.SCHEMA_FILE.is_file()
