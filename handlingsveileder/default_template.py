"""The BTI default handlingsveileder, in our own Norwegian words.

A new kommune starts from this; fagadministratorer copy it and adapt it to their
service. Nothing here is one kommune's version: names, order, deadlines and tools are
data that each kommune changes.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as N_

from handlingsveileder.kinds import resolve

STEPS: dict[int, list[dict[str, Any]]] = {
    0: [
        {
            "title": N_("Undring"),
            "summary": N_("Noe du ser, hører eller blir fortalt gjør deg undrende."),
            "what": N_("Legg merke til det som vekker undringen: en endring, en hendelse eller noe barnet sier."),
            "how": N_("Skriv ned det du faktisk har sett og hørt, uten å tolke eller trekke slutninger."),
            "who": N_("Den ansatte som undrer seg"),
            "checklist": [N_("Jeg har skrevet ned hva jeg så eller hørte"), N_("Jeg har notert når det skjedde")],
            "deadline_days": None,
        },
        {
            "title": N_("Konkretisering"),
            "completed_by_actions": ["konkretisering"],
            "summary": N_("Gjør undringen konkret: hva, hvor ofte, hvor lenge."),
            "what": N_("Formuler undringen som spørsmål, og observer barnet en kort periode."),
            "how": N_("Bruk spørsmålene: Hva har du sett? Hvor lenge har det vart? Har noen undret seg før?"),
            "who": N_("Den ansatte, gjerne sammen med en kollega"),
            "checklist": [N_("Undringen er skrevet som spørsmål"), N_("Observasjonene er datert")],
            "deadline_days": None,
        },
        {
            "title": N_("Deling"),
            "completed_by_actions": ["deling"],
            "summary": N_("Del undringen med leder, kollega, barnet og foreldrene."),
            "what": N_("Drøft undringen med nærmeste leder, og snakk med barnet og foreldrene."),
            "how": N_("Andre tjenester kan bare kontaktes med samtykke, eller som anonym drøfting."),
            "who": N_("Den ansatte og nærmeste leder"),
            "checklist": [N_("Drøftet med leder"), N_("Samtale med foreldrene"), N_("Barnets egen stemme er hørt")],
            "deadline_days": None,
        },
        {
            "title": N_("Beslutning"),
            "completed_by_actions": ["beslutning"],
            "summary": N_("Avklar om det er grunn til bekymring, og hva som skjer videre."),
            "what": N_("Bestem om saken avsluttes, eller går videre til nivå 1, 2 eller 3."),
            "how": N_("Begrunn beslutningen og skriv den i stafettloggen."),
            "who": N_("Den ansatte sammen med leder"),
            "checklist": [N_("Beslutningen er begrunnet")],
            "deadline_days": 14,
            "deadline_from": "level",
        },
    ],
}

_UPPER = [
    {
        "title": N_("Oppstart og vurdering"),
        "summary": N_("Beskriv utfordringen sammen med barnet og foreldrene."),
        "what": N_("Bli enige om hva som er utfordringen, og hvem som er stafettholder."),
        "how": N_("Hold et oppstartsmøte. Skaff samtykke dersom andre tjenester skal være med."),
        "who": N_("Stafettholder"),
        "checklist": [N_("Stafettholder er valgt"), N_("Foreldrene er med")],
    },
    {
        "title": N_("Planlegging"),
        "completed_by_actions": ["mal"],
        "summary": N_("Lag en plan med mål og tiltak."),
        "what": N_("Sett mål, velg tiltak, og avtal hvem som har ansvar for hvert tiltak."),
        "how": N_("Skriv planen i stafettloggen med dato for evaluering."),
        "who": N_("Stafettholder sammen med de involverte"),
        "checklist": [N_("Mål er formulert"), N_("Hvert tiltak har en ansvarlig"), N_("Evalueringsdato er satt")],
    },
    {
        "title": N_("Tiltak"),
        "completed_by_actions": ["tiltak_startet"],
        "summary": N_("Sett tiltakene i gang og følg med."),
        "what": N_("Gjennomfør tiltakene slik det er avtalt."),
        "how": N_("Noter fremdrift underveis, og hør hvordan barnet opplever tiltakene."),
        "who": N_("De som har ansvar for tiltakene"),
        "checklist": [N_("Tiltakene er startet")],
    },
    {
        "title": N_("Evaluering"),
        "completed_by_actions": ["evaluering"],
        "summary": N_("Se på om tiltakene virker."),
        "what": N_("Vurder hva som har virket, og hva som må endres."),
        "how": N_("Hold et evalueringsmøte der barnets og foreldrenes erfaringer kommer fram."),
        "who": N_("Stafettholder"),
        "checklist": [N_("Evalueringsmøte er holdt")],
    },
    {
        "title": N_("Beslutning"),
        "completed_by_actions": ["nivabeslutning"],
        "summary": N_("Bestem veien videre."),
        "what": N_("Fortsett, gå opp eller ned et nivå, eller avslutt saken."),
        "how": N_("Begrunn beslutningen i stafettloggen."),
        "who": N_("Stafettholder sammen med de involverte"),
        "checklist": [N_("Beslutningen er begrunnet")],
    },
]

for _level in (1, 2, 3):
    STEPS[_level] = [dict(step) for step in _UPPER]


def steps() -> dict[int, list[dict[str, Any]]]:
    """The template in the active language (a fresh copy)."""
    return resolve(STEPS)
