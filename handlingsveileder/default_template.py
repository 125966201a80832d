"""The BTI default handlingsveileder, in our own Norwegian words.

A new kommune starts from this; fagadministratorer copy it and adapt it to their
service. Nothing here is one kommune's version: names, order, deadlines and tools are
data that each kommune changes.
"""

from __future__ import annotations

from typing import Any

STEPS: dict[int, list[dict[str, Any]]] = {
    0: [
        {
            "title": "Undring",
            "summary": "Noe du ser, hører eller blir fortalt gjør deg undrende.",
            "what": "Legg merke til det som vekker undringen: en endring, en hendelse eller noe barnet sier.",
            "how": "Skriv ned det du faktisk har sett og hørt, uten å tolke eller trekke slutninger.",
            "who": "Den ansatte som undrer seg",
            "checklist": ["Jeg har skrevet ned hva jeg så eller hørte", "Jeg har notert når det skjedde"],
            "deadline_days": None,
        },
        {
            "title": "Konkretisering",
            "completed_by_actions": ["konkretisering"],
            "summary": "Gjør undringen konkret: hva, hvor ofte, hvor lenge.",
            "what": "Formuler undringen som spørsmål, og observer barnet en kort periode.",
            "how": "Bruk spørsmålene: Hva har du sett? Hvor lenge har det vart? Har noen undret seg før?",
            "who": "Den ansatte, gjerne sammen med en kollega",
            "checklist": ["Undringen er skrevet som spørsmål", "Observasjonene er datert"],
            "deadline_days": None,
        },
        {
            "title": "Deling",
            "completed_by_actions": ["deling"],
            "summary": "Del undringen med leder, kollega, barnet og foreldrene.",
            "what": "Drøft undringen med nærmeste leder, og snakk med barnet og foreldrene.",
            "how": "Andre tjenester kan bare kontaktes med samtykke, eller som anonym drøfting.",
            "who": "Den ansatte og nærmeste leder",
            "checklist": ["Drøftet med leder", "Samtale med foreldrene", "Barnets egen stemme er hørt"],
            "deadline_days": None,
        },
        {
            "title": "Beslutning",
            "completed_by_actions": ["beslutning"],
            "summary": "Avklar om det er grunn til bekymring, og hva som skjer videre.",
            "what": "Bestem om saken avsluttes, eller går videre til nivå 1, 2 eller 3.",
            "how": "Begrunn beslutningen og skriv den i stafettloggen.",
            "who": "Den ansatte sammen med leder",
            "checklist": ["Beslutningen er begrunnet"],
            "deadline_days": 14,
            "deadline_from": "level",
        },
    ],
}

_UPPER = [
    {
        "title": "Oppstart og vurdering",
        "summary": "Beskriv utfordringen sammen med barnet og foreldrene.",
        "what": "Bli enige om hva som er utfordringen, og hvem som er stafettholder.",
        "how": "Hold et oppstartsmøte. Skaff samtykke dersom andre tjenester skal være med.",
        "who": "Stafettholder",
        "checklist": ["Stafettholder er valgt", "Foreldrene er med"],
    },
    {
        "title": "Planlegging",
        "completed_by_actions": ["mal"],
        "summary": "Lag en plan med mål og tiltak.",
        "what": "Sett mål, velg tiltak, og avtal hvem som har ansvar for hvert tiltak.",
        "how": "Skriv planen i stafettloggen med dato for evaluering.",
        "who": "Stafettholder sammen med de involverte",
        "checklist": ["Mål er formulert", "Hvert tiltak har en ansvarlig", "Evalueringsdato er satt"],
    },
    {
        "title": "Tiltak",
        "completed_by_actions": ["tiltak_startet"],
        "summary": "Sett tiltakene i gang og følg med.",
        "what": "Gjennomfør tiltakene slik det er avtalt.",
        "how": "Noter fremdrift underveis, og hør hvordan barnet opplever tiltakene.",
        "who": "De som har ansvar for tiltakene",
        "checklist": ["Tiltakene er startet"],
    },
    {
        "title": "Evaluering",
        "completed_by_actions": ["evaluering"],
        "summary": "Se på om tiltakene virker.",
        "what": "Vurder hva som har virket, og hva som må endres.",
        "how": "Hold et evalueringsmøte der barnets og foreldrenes erfaringer kommer fram.",
        "who": "Stafettholder",
        "checklist": ["Evalueringsmøte er holdt"],
    },
    {
        "title": "Beslutning",
        "completed_by_actions": ["nivabeslutning"],
        "summary": "Bestem veien videre.",
        "what": "Fortsett, gå opp eller ned et nivå, eller avslutt saken.",
        "how": "Begrunn beslutningen i stafettloggen.",
        "who": "Stafettholder sammen med de involverte",
        "checklist": ["Beslutningen er begrunnet"],
    },
]

for _level in (1, 2, 3):
    STEPS[_level] = [dict(step) for step in _UPPER]
