"""The question set of the BTI-undersøkelsen, written in our own words.

The themes are those the BTI model is measured by (knowledge, handlingskompetanse,
experience, the route from bekymring to handling, samarbeid, barriers, involvement of
parents and children, assessments and «Tidlig inn»); the wording is ours, not KoRus'
questionnaire. A round records the ``SET_KEY`` it was asked with, and a question keeps
its ``key`` across sets, so rounds can be compared question by question.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

SET_KEY = "bti-2026"

AGREE = "enig"
FREQUENCY = "hyppighet"
TEXT = "tekst"

# Score 1–5; 0 means «vet ikke / ikke aktuelt» (not counted in means).
SCALES: dict[str, list[tuple[int, StrOrPromise]]] = {
    AGREE: [
        (1, _("Helt uenig")),
        (2, _("Litt uenig")),
        (3, _("Verken enig eller uenig")),
        (4, _("Litt enig")),
        (5, _("Helt enig")),
    ],
    FREQUENCY: [(1, _("Aldri")), (2, _("Sjelden")), (3, _("Noen ganger")), (4, _("Ofte")), (5, _("Svært ofte"))],
}
DONT_KNOW = (0, _("Vet ikke / ikke aktuelt"))
POSITIVE_FROM = 4  # 4 and 5 count as «enig» / «ofte»


@dataclass(frozen=True)
class Question:
    key: str
    text: StrOrPromise
    kind: str = AGREE


@dataclass(frozen=True)
class Theme:
    key: str
    title: StrOrPromise
    intro: StrOrPromise
    questions: tuple[Question, ...]

    @property
    def scored(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.kind != TEXT)


THEMES: tuple[Theme, ...] = (
    Theme(
        "kunnskap",
        _("Kunnskap om BTI"),
        _("Hva du vet om modellen og om handlingsveilederen i din tjeneste."),
        (
            Question("kunnskap.modell", _("Jeg vet hva BTI-modellen er, og hva den skal bidra til.")),
            Question("kunnskap.veileder", _("Jeg vet hvor jeg finner handlingsveilederen for min tjeneste.")),
            Question("kunnskap.nivaer", _("Jeg kjenner forskjellen på nivå 0, 1, 2 og 3.")),
            Question("kunnskap.stafettlogg", _("Jeg vet hva en stafettlogg er, og når den brukes.")),
        ),
    ),
    Theme(
        "handling",
        _("Handlingskompetanse"),
        _("Hvor trygg du er på å gjøre noe når du undrer deg over et barn."),
        (
            Question("handling.undring", _("Jeg er trygg på å skrive ned en undring uten å trekke slutninger.")),
            Question("handling.samtale_barn", _("Jeg er trygg på å snakke med et barn om det jeg undrer meg over.")),
            Question("handling.samtale_foreldre", _("Jeg er trygg på å ta opp en undring med foreldrene.")),
            Question("handling.stafettholder", _("Jeg kunne ha tatt rollen som stafettholder i en sak.")),
        ),
    ),
    Theme(
        "erfaring",
        _("Erfaring med barn og foreldre du er bekymret for"),
        _("Hva du har opplevd det siste året."),
        (
            Question(
                "erfaring.undret", _("Det siste året har jeg undret meg over et barns trivsel eller helse."), FREQUENCY
            ),
            Question("erfaring.gjort_noe", _("Når jeg har undret meg, har jeg gjort noe med det."), FREQUENCY),
            Question("erfaring.latt_vaere", _("Jeg har latt være å gjøre noe fordi jeg var usikker."), FREQUENCY),
        ),
    ),
    Theme(
        "system",
        _("Fra bekymring til handling"),
        _("Hva du vet om veien fra en undring til innsats, i din tjeneste og i kommunen."),
        (
            Question("system.hvem", _("Jeg vet hvem jeg skal gå til når jeg er bekymret for et barn.")),
            Question("system.rutiner", _("Tjenesten min har kjente rutiner for hva vi gjør ved undring.")),
            Question("system.andre_tjenester", _("Jeg vet hva de andre tjenestene i kommunen kan bidra med.")),
            Question("system.barnevern", _("Jeg vet når jeg har plikt til å gi opplysninger til barnevernet.")),
        ),
    ),
    Theme(
        "samarbeid",
        _("Samarbeid og samhandling"),
        _("Hvordan samarbeidet med andre tjenester fungerer."),
        (
            Question("samarbeid.kontakt", _("Det er lett å få kontakt med andre tjenester når det trengs.")),
            Question("samarbeid.moter", _("Samarbeidsmøtene jeg har vært med på, har ført til noe for barnet.")),
            Question("samarbeid.ansvar", _("Det er tydelig hvem som har ansvaret når flere tjenester er inne.")),
            Question("samarbeid.drofting", _("Jeg vet hvordan jeg kan drøfte en sak anonymt med en annen tjeneste.")),
        ),
    ),
    Theme(
        "barrierer",
        _("Det som står i veien"),
        _("Hva som gjør det vanskelig å handle tidlig."),
        (
            Question("barrierer.tid", _("Jeg har for liten tid til å følge opp undringer.")),
            Question("barrierer.taushet", _("Usikkerhet om taushetsplikt gjør at jeg holder igjen.")),
            Question("barrierer.relasjon", _("Jeg er redd for å ødelegge forholdet til foreldrene.")),
            Question("barrierer.fritekst", _("Hva gjør det vanskeligst for deg å handle tidlig?"), TEXT),
        ),
    ),
    Theme(
        "involvering",
        _("Involvering av foreldre og barn"),
        _("Hvordan barn og foreldre er med når vi jobber med en undring."),
        (
            Question("involvering.foreldre_tidlig", _("Foreldrene blir involvert tidlig.")),
            Question("involvering.barnets_stemme", _("Barnets egne meninger kommer fram og blir tatt hensyn til.")),
            Question("involvering.samtykke", _("Vi forklarer foreldrene hva et samtykke betyr, før de gir det.")),
        ),
    ),
    Theme(
        "vurderinger",
        _("Dine vurderinger"),
        _("Hva du mener om BTI-arbeidet i kommunen."),
        (
            Question("vurderinger.nytte", _("BTI gjør at barn og familier får hjelp tidligere.")),
            Question("vurderinger.ledelse", _("Lederen min etterspør og støtter arbeidet med BTI.")),
            Question("vurderinger.opplaering", _("Jeg har fått nok opplæring til å bruke BTI i arbeidet mitt.")),
            Question("vurderinger.fritekst", _("Hva ville gjort BTI-arbeidet bedre der du jobber?"), TEXT),
        ),
    ),
    Theme(
        "tidlig_inn",
        _("Tidlig inn"),
        _("Samtaler med gravide og foreldre til små barn om rus, psykisk helse og vold."),
        (
            Question(
                "tidlig_inn.rus",
                _("Jeg er trygg på å spørre gravide og foreldre om bruk av alkohol og andre rusmidler."),
            ),
            Question("tidlig_inn.psykisk", _("Jeg er trygg på å snakke med foreldre om psykisk helse.")),
            Question("tidlig_inn.vold", _("Jeg er trygg på å spørre om vold i familien.")),
            Question("tidlig_inn.videre", _("Jeg vet hvor jeg kan henvise når en forelder trenger mer hjelp.")),
        ),
    ),
)

QUESTIONS: dict[str, Question] = {q.key: q for t in THEMES for q in t.questions}
THEME_OF: dict[str, Theme] = {q.key: t for t in THEMES for q in t.questions}
SCORED_KEYS: tuple[str, ...] = tuple(q.key for t in THEMES for q in t.scored)
TEXT_KEYS: tuple[str, ...] = tuple(q.key for t in THEMES for q in t.questions if q.kind == TEXT)
# Questions where agreeing is a problem, not a strength: shown as they are, never inverted.
NEGATIVE_KEYS = frozenset({"erfaring.latt_vaere", "barrierer.tid", "barrierer.taushet", "barrierer.relasjon"})
# Descriptive questions (how often something happens) that are not part of a theme's score.
NEUTRAL_KEYS = frozenset({"erfaring.undret"})
