"""The arkivmelding of a case (issue 15 item 2, docs/adr/0025).

``build(case)`` returns a ``Package``: the Fiks Arkiv V1 «arkivmelding opprett» XML and
the PDF/A files it names. One saksmappe per case (klassifikasjon, skjerming
offl. § 13 jf. fvl. § 13, parter) and one journalpost (V1 opprett carries one registrering
per message) with a dokumentbeskrivelse per archived document: the stafettlogg, the plan,
each referat, the consents and the closing summary. ``validate(xml)`` checks a message
against the schema copied into ``arkiv/schemas`` (MIT, ks-no/fiks-arkiv-specification);
``build`` refuses to hand out a message that does not validate."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from arkiv import selectors
from cases.models import Case

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
SCHEMA_FILE = SCHEMA_DIR / "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.xsd"
NS = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v1"
KVITTERING_NS = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/kvittering/v1"
MDK = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MESSAGE_TYPE = "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett"
SYSTEM = "BTI-samhandling"
CSS_FILE = Path(__file__).resolve().parent / "templates" / "arkiv" / "pdf" / "archive.css"
# Stable ids: the same case gives the same systemID in every attempt, so the archive
# recognises a resent message («Eksisterende» in its kvittering) instead of filing it twice.
_ID_SPACE = uuid.UUID("6f1d3c1e-6a39-4d0e-9a7e-2b1f5d0c8a11")
SKJERMINGSHJEMMEL = "Offl. § 13, jf. fvl. § 13"


class InvalidMessage(Exception):
    """The produced arkivmelding does not validate against the Fiks Arkiv V1 schema."""


@dataclass
class Document:
    number: int
    title: str
    kind: str  # Noark dokumenttype kode
    filename: str
    content: bytes
    created: Any

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass
class Package:
    case_id: int
    xml: bytes
    documents: list[Document] = field(default_factory=list)

    @property
    def files(self) -> dict[str, bytes]:
        return {d.filename: d.content for d in self.documents}

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.xml).hexdigest()


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_FILE)))


def validate(xml: bytes) -> list[str]:
    """The schema's complaints about a message; empty when it validates."""
    try:
        doc = etree.fromstring(xml)
    except etree.XMLSyntaxError as exc:
        return [str(exc)]
    schema = _schema()
    if schema.validate(doc):
        return []
    return [f"{e.line}: {e.message}" for e in schema.error_log]


def system_id(*parts: object) -> str:
    return str(uuid.uuid5(_ID_SPACE, "/".join(str(p) for p in parts)))


# --- The documents (PDF/A-3b, tagged) -------------------------------------------------


def render_pdf(*, title: str, case_title: str, items: list[dict[str, str]]) -> bytes:
    """An archive document: PDF/A-3b (ISO 19005-3, level B) with a structure tree for
    screen readers (WeasyPrint's ``pdf_tags``)."""
    from weasyprint import CSS, HTML

    html = render_to_string(
        "arkiv/pdf/document.html", {"title": title, "case_title": case_title, "items": items, "system": SYSTEM}
    )
    return bytes(
        HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(CSS_FILE))], pdf_variant="pdf/a-3b", pdf_tags=True)
    )


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else "–"


def _documents(case: Case, content: dict[str, Any]) -> list[Document]:
    case_title = case_title_of(case)
    docs: list[tuple[str, str, str, list[dict[str, str]], Any]] = []
    docs.append(
        (
            _("Stafettlogg"),
            "LOGG",
            "stafettlogg",
            [
                {
                    "head": f"#{e.seq} · {_when(e.created_at)} · {e.get_kind_display()} · "
                    f"{e.author.full_name}{f' ({e.author_unit.name})' if e.author_unit else ''}",
                    "text": e.shown_text,
                }
                for e in content["entries"]
            ],
            case.opened_at,
        )
    )
    plan_items = []
    for goal in content["goals"]:
        plan_items.append({"head": _("Mål"), "text": goal.text})
        for measure in goal.measures.all():
            plan_items.append({"head": _("Tiltak"), "text": measure.description})
    docs.append((_("Plan"), "PLAN", "plan", plan_items, case.opened_at))
    for meeting in content["meetings"]:
        docs.append(
            (
                _("Referat fra samarbeidsmøte %(when)s") % {"when": _when(meeting.starts_at)},
                "REFERAT",
                f"referat-{meeting.pk}",
                [
                    {"head": _("Referat"), "text": meeting.referat},
                    {"head": _("Beslutninger"), "text": meeting.decisions},
                    {"head": _("Avtalte oppgaver"), "text": meeting.tasks},
                ],
                meeting.starts_at,
            )
        )
    docs.append(
        (
            _("Samtykker"),
            "SAMTYKKE",
            "samtykker",
            [
                {
                    "head": f"{_when(c.registered_at)} · {c.get_decision_display()} · {c.get_form_display()}",
                    "text": c.purpose,
                }
                for c in content["consents"]
            ],
            case.opened_at,
        )
    )
    closing = content["closing"]
    closing_items = (
        [
            {"head": _("Årsak"), "text": str(closing.get_reason_display())},
            {"head": _("Oppsummering"), "text": closing.summary},
            {"head": _("Familien har fått vite"), "text": closing.family_informed},
        ]
        if closing
        else ([{"head": _("Årsak"), "text": case.close_reason}] if case.close_reason else [])
    )
    docs.append((_("Avslutning"), "AVSLUTNING", "avslutning", closing_items, case.closed_at or timezone.now()))
    return [
        Document(
            number=i,
            title=title,
            kind=kind,
            filename=f"sak-{case.pk}-{i:02d}-{slug}.pdf",
            content=render_pdf(title=title, case_title=case_title, items=items),
            created=created,
        )
        for i, (title, kind, slug, items, created) in enumerate(docs, start=1)
    ]


# --- The XML -----------------------------------------------------------------------------


def case_title_of(case: Case) -> str:
    return _("BTI-sak %(id)s: %(name)s") % {"id": case.pk, "name": case.display_name}


def _el(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
    node = etree.SubElement(parent, f"{{{NS}}}{name}", **attrs)
    if text is not None:
        node.text = text
    return node


def _mdk(parent: etree._Element, name: str, text: str) -> None:
    """A child of a metadatakatalog type (its elements are in that schema's namespace)."""
    etree.SubElement(parent, f"{{{MDK}}}{name}").text = text


def _kode(parent: etree._Element, name: str, kode: str, beskrivelse: str = "") -> None:
    node = _el(parent, name)
    _mdk(node, "kode", kode)
    if beskrivelse:
        _mdk(node, "beskrivelse", beskrivelse)


def _skjerming(parent: etree._Element) -> None:
    node = _el(parent, "skjerming")
    _kode(node, "tilgangsrestriksjon", "13", "Taushetsplikt")
    _el(node, "skjermingshjemmel", SKJERMINGSHJEMMEL)


def _ekstern(parent: etree._Element, key: str) -> None:
    node = _el(parent, "referanseEksternNoekkel")
    _mdk(node, "fagsystem", SYSTEM)
    _mdk(node, "noekkel", key)


def _iso(value: Any) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def _part(parent: etree._Element, name: str, rolle: str, rolle_text: str) -> None:
    node = _el(parent, "part")
    _el(node, "partNavn", name)
    _kode(node, "partRolle", rolle, rolle_text)
    _el(node, "erSkjermet", "true")
    _el(node, "erPersonnavn", "true")


def message_xml(case: Case, content: dict[str, Any], documents: list[Document]) -> bytes:
    klasse = getattr(settings, "ARKIV_KLASSIFIKASJON", {"system": "BTI", "klasse": "BTI", "tittel": "BTI-saker"})
    root = etree.Element(f"{{{NS}}}arkivmelding", nsmap={None: NS, "n5mdk": MDK, "xsi": XSI})
    _el(root, "system", SYSTEM)
    _el(root, "antallFiler", str(len(documents)))
    mappe_id = system_id("case", case.pk)
    mappe = _el(root, "mappe", **{f"{{{XSI}}}type": "saksmappe"})
    _el(mappe, "systemID", mappe_id)
    _el(mappe, "tittel", case_title_of(case))
    _el(mappe, "offentligTittel", _("BTI-sak %(id)s: *****") % {"id": case.pk})
    _el(mappe, "opprettetDato", _iso(case.opened_at))
    if case.closed_at:
        _el(mappe, "avsluttetDato", _iso(case.closed_at))
    if case.display_name and (case.child_name or case.child_id):
        _part(mappe, case.display_name, "BARN", "Barnet saken gjelder")
    for guardian in content["guardians"]:
        _part(mappe, guardian.full_name, "FORESATT", guardian.relation or "Foresatt")
    _skjerming(mappe)
    klass = _el(mappe, "klassifikasjon")
    _el(klass, "klassifikasjonssystemID", klasse["system"])
    _el(klass, "klasseID", klasse["klasse"])
    _el(klass, "tittel", klasse["tittel"])
    _ekstern(mappe, f"sak-{case.pk}")
    _el(mappe, "saksdato", timezone.localdate(case.opened_at).isoformat())
    _mdk(_el(mappe, "administrativEnhet"), "navn", case.owner_unit.name)
    _kode(mappe, "saksstatus", "A" if case.closed_at else "B", "Avsluttet" if case.closed_at else "Under behandling")

    reg = _el(root, "registrering", **{f"{{{XSI}}}type": "journalpost"})
    _el(reg, "systemID", system_id("journalpost", case.pk))
    _el(reg, "opprettetDato", _iso(timezone.now()))
    ref = _el(reg, "referanseForelderMappe")
    _mdk(ref, "systemID", mappe_id)
    _skjerming(reg)
    for doc in documents:
        desc = _el(reg, "dokumentbeskrivelse")
        _el(desc, "systemID", system_id("dokument", case.pk, doc.number))
        _kode(desc, "dokumenttype", doc.kind, doc.title)
        _kode(desc, "dokumentstatus", "F", "Dokumentet er ferdigstilt")
        _el(desc, "tittel", doc.title)
        _el(desc, "opprettetDato", _iso(doc.created))
        _kode(
            desc,
            "tilknyttetRegistreringSom",
            "H" if doc.number == 1 else "V",
            "Hoveddokument" if doc.number == 1 else "Vedlegg",
        )
        _el(desc, "dokumentnummer", str(doc.number))
        _skjerming(desc)
        obj = _el(desc, "dokumentobjekt")
        _el(obj, "versjonsnummer", "1")
        _kode(obj, "variantformat", "A", "Arkivformat")
        _kode(obj, "format", "RA-PDF", "PDF/A-3b (ISO 19005-3)")
        _el(obj, "mimeType", "application/pdf")
        _el(obj, "filnavn", doc.filename)
        _el(obj, "referanseDokumentfil", doc.filename)
        _el(obj, "sjekksum", doc.sha256)
        _el(obj, "sjekksumAlgoritme", "SHA-256")
        _el(obj, "filstoerrelse", str(len(doc.content)))
    _el(reg, "tittel", _("Stafettlogg og dokumenter, %(title)s") % {"title": case_title_of(case)})
    _el(reg, "offentligTittel", _("Stafettlogg og dokumenter, BTI-sak %(id)s") % {"id": case.pk})
    _ekstern(reg, f"sak-{case.pk}-journalpost")
    _kode(reg, "journalposttype", "X", "Organinternt dokument uten oppfølging")
    _kode(reg, "journalstatus", "F", "Ferdigstilt fra saksbehandler")
    _el(reg, "journaldato", timezone.localdate().isoformat())
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def build(case: Case) -> Package:
    from bti.languages import in_kommune_language

    content = selectors.archive_content(case)
    with in_kommune_language(case.kommune):  # no reader: the kommune's language (ADR 0030)
        documents = _documents(case, content)
    xml = message_xml(case, content, documents)
    errors = validate(xml)
    if errors:
        raise InvalidMessage("; ".join(errors[:5]))
    return Package(case_id=case.pk, xml=xml, documents=documents)


def parse_kvittering(xml: bytes) -> dict[str, str]:
    """The archive's answer (``arkivmeldingKvittering``): the mappe's and the journalpost's
    systemID in the archive, or the archive's error. Raises ``ValueError`` when the answer
    is not a kvittering or reports a failure."""
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError as exc:
        raise ValueError(_("Svaret fra arkivet er ikke XML: %(error)s") % {"error": exc}) from exc
    if root.tag != f"{{{KVITTERING_NS}}}arkivmeldingKvittering":
        raise ValueError(_("Svaret fra arkivet er ikke en kvittering."))
    ns = {"k": KVITTERING_NS}
    for failed in ("mappeFeilet", "registreringFeilet"):
        node = root.find(f"k:{failed}", ns)
        if node is not None:
            raise ValueError(_("Arkivet avviste meldingen: %(error)s") % {"error": " ".join(node.itertext()).strip()})
    mappe = root.findtext("k:mappeKvittering/k:systemID", namespaces=ns)
    registrering = root.findtext("k:registreringKvittering/k:systemID", namespaces=ns)
    if not mappe:
        raise ValueError(_("Kvitteringen mangler mappens systemID."))
    return {"mappe": mappe, "registrering": registrering or ""}
