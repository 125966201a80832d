"""Default handlingsveileder templates for the three kinds of service, in our own words.

* **basis** – barnehage, skole, SFO, helsestasjon and tannhelse: the services that meet
  every child. Their tools are about noticing and talking: tegn og signaler, samtale med
  barnet, undringssamtale med foreldrene.
* **hjelpe** – PPT, barnevern, psykisk helse, fysio- og ergoterapi: services others turn
  to. Their tools are kartlegging, henvisning and drøfting.
* **voksen** – NAV, psykisk helse og rus for voksne and other services for adults: the
  child is seen through the adult. Their tools are about barn som pårørende: asking
  whether the person has children, talking with the parent about the children.

All three follow the BTI model's levels and trinn (nivå 0: undring, konkretisering,
deling, beslutning; nivå 1–3: oppstart og vurdering, planlegging, tiltak, evaluering,
beslutning) so a case can move between services without changing its track.

``completed_by_actions`` names the case actions that fulfil a trinn (developer
workflow, issue 17). The loader of today (``services.setup._create_steps``) reads only the
keys it knows and ignores this one; once the Step model has the field, the loader passes
it on and these lists take effect without changing the templates.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from bti.models import ServiceCategory

Trinn = dict[str, Any]

# --- Tools (links to national, public resources; each kommune adds its own) -------------

SNAKKE_MED_BARN = {"title": "Snakke med barn – øv på samtalen (Bufdir)", "url": "https://www.snakkemedbarn.no/"}
JEG_VET = {"title": "Jeg vet – undervisning om vold og overgrep (Bufdir)", "url": "https://jegvet.no/"}
BUFDIR = {
    "title": "Barnevernet: når og hvordan du melder bekymring (Bufdir)",
    "url": "https://www.bufdir.no/barnevern/",
}
UDIR = {"title": "Tilrettelegging og spesialpedagogisk hjelp (Udir)", "url": "https://www.udir.no/"}
STATPED = {"title": "Statped – kompetanse for PPT", "url": "https://www.statped.no/"}
RVTS = {"title": "RVTS – vold, traumer og selvmordsforebygging", "url": "https://www.rvts.no/"}
DIN_UTVEI = {"title": "Dinutvei – hjelp ved vold og overgrep", "url": "https://dinutvei.no/"}
PARORENDE = {
    "title": "Pårørendeveilederen: barn som pårørende (Helsedirektoratet)",
    "url": "https://www.helsedirektoratet.no/veiledere/parorendeveileder",
}
BARNS_BESTE = {"title": "BarnsBeste – barn som pårørende", "url": "https://www.barnsbeste.no/"}
TIDLIG_INN = {
    "title": "Tidlig inn – rus, psykisk helse og vold i familien",
    "url": "https://tidliginnsats.forebygging.no/",
}
NAV = {"title": "NAV – økonomi, bolig og arbeid for familier", "url": "https://www.nav.no/"}

# --- The shared skeleton --------------------------------------------------------------


def _level0(kind: dict[str, Any]) -> list[Trinn]:
    return [
        {
            "title": "Undring",
            "summary": kind["undring_summary"],
            "what": kind["undring_what"],
            "how": "Skriv ned det du faktisk har sett og hørt, med dato. Ikke tolk og ikke konkluder.",
            "who": "Den ansatte som undrer seg",
            "checklist": ["Jeg har skrevet ned hva jeg så eller hørte", "Jeg har notert når det skjedde"],
            "tools": kind["undring_tools"],
        },
        {
            "title": "Konkretisering",
            "summary": "Gjør undringen konkret: hva, hvor ofte, hvor lenge.",
            "what": kind["konkret_what"],
            "how": "Spør deg selv: Hva har jeg sett? Hvor lenge har det vart? Har noen andre undret seg? "
            "Observer en kort periode før du drøfter videre.",
            "who": "Den ansatte, gjerne sammen med en kollega",
            "checklist": ["Undringen er skrevet som spørsmål", "Observasjonene er datert"],
            "tools": kind["konkret_tools"],
            "completed_by_actions": ["konkretisering"],
        },
        {
            "title": "Deling",
            "summary": kind["deling_summary"],
            "what": kind["deling_what"],
            "how": "Andre tjenester kan bare få vite hvem det gjelder med samtykke eller annet lovlig grunnlag. "
            "Uten det kan du drøfte saken anonymt.",
            "who": kind["deling_who"],
            "checklist": kind["deling_checklist"],
            "tools": kind["deling_tools"],
            "completed_by_actions": ["deling"],
        },
        {
            "title": "Beslutning",
            "summary": "Avklar om det er grunn til bekymring, og hva som skjer videre.",
            "what": "Bestem om saken avsluttes, eller går videre til nivå 1, 2 eller 3. Ved mistanke om vold, "
            "overgrep eller alvorlig omsorgssvikt: meld til barnevernet straks, uten å involvere foreldrene først.",
            "how": "Begrunn beslutningen og skriv den i stafettloggen.",
            "who": "Den ansatte sammen med nærmeste leder",
            "checklist": ["Beslutningen er begrunnet", "Foreldrene vet hva som skjer videre"],
            "deadline_days": 14,
            "deadline_from": "level",
            "tools": [BUFDIR],
            "completed_by_actions": ["beslutning"],
        },
    ]


def _upper(kind: dict[str, Any], level: int) -> list[Trinn]:
    scope = {
        1: "i egen tjeneste",
        2: "sammen med én annen tjeneste",
        3: "sammen med flere tjenester, ofte med et tverrfaglig team",
    }[level]
    return [
        {
            "title": "Oppstart og vurdering",
            "summary": f"Beskriv utfordringen og avtal arbeidet {scope}.",
            "what": kind["oppstart_what"][level],
            "how": "Hold et oppstartsmøte med foreldrene (og barnet når det passer). Skaff samtykke før andre "
            "tjenester blir med, og avtal hvem som er stafettholder.",
            "who": "Stafettholder",
            "checklist": ["Stafettholder er valgt", "Foreldrene er med", "Barnets stemme er hørt"]
            + (["Samtykket dekker alle tjenestene som er med"] if level >= 2 else []),
            "tools": kind["oppstart_tools"],
        },
        {
            "title": "Planlegging",
            "summary": "Lag en plan med mål og tiltak.",
            "what": kind["plan_what"],
            "how": "Skriv mål og tiltak i stafettloggen, med én ansvarlig per tiltak og en dato for evaluering.",
            "who": "Stafettholder sammen med de involverte",
            "checklist": [
                "Mål er formulert sammen med familien",
                "Hvert tiltak har en ansvarlig",
                "Evalueringsdato er satt",
            ],
            "tools": kind["plan_tools"],
            "completed_by_actions": ["mal"],
        },
        {
            "title": "Tiltak",
            "summary": "Sett tiltakene i gang og følg med.",
            "what": "Gjennomfør tiltakene slik det er avtalt, og noter fremdriften.",
            "how": kind["tiltak_how"],
            "who": "De som har ansvar for tiltakene",
            "checklist": ["Tiltakene er startet", "En voksen snakker med barnet mellom møtene"],
            "tools": kind["tiltak_tools"],
            "completed_by_actions": ["tiltak_startet"],
        },
        {
            "title": "Evaluering",
            "summary": "Se på om tiltakene virker.",
            "what": "Vurder hva som har virket og hva som må endres, sammen med familien.",
            "how": "Hold et evalueringsmøte der barnets og foreldrenes erfaringer kommer fram.",
            "who": "Stafettholder",
            "checklist": ["Evalueringsmøte er holdt", "Barnets erfaring er med i evalueringen"],
            "completed_by_actions": ["evaluering"],
        },
        {
            "title": "Beslutning",
            "summary": "Bestem veien videre.",
            "what": "Fortsett, gå opp eller ned et nivå, eller avslutt saken."
            + (" Står arbeidet stille, kan saken meldes til koordinerende enhet." if level == 3 else ""),
            "how": "Begrunn beslutningen i stafettloggen, og avtal hvem som har stafetten videre.",
            "who": "Stafettholder sammen med de involverte",
            "checklist": ["Beslutningen er begrunnet", "Familien vet hva som skjer videre"],
            "completed_by_actions": ["nivabeslutning"],
        },
    ]


_KINDS: dict[str, dict[str, Any]] = {
    ServiceCategory.BASIS: {
        "undring_summary": "Noe du ser, hører eller blir fortalt om et barn gjør deg undrende.",
        "undring_what": "Legg merke til endringer i lek, læring, språk, kropp, humør eller samspill, "
        "og til det barnet selv forteller. Se også etter tegn hos foreldrene: trøtthet, uro, lukt av alkohol, "
        "mange avlysninger.",
        "undring_tools": [SNAKKE_MED_BARN, JEG_VET],
        "konkret_what": "Formuler undringen som spørsmål. Observer barnet i ulike situasjoner i en til to uker.",
        "konkret_tools": [SNAKKE_MED_BARN],
        "deling_summary": "Del undringen med leder, kollega, barnet og foreldrene.",
        "deling_what": "Drøft med nærmeste leder. Snakk med barnet på barnets premisser, og ta en undringssamtale "
        "med foreldrene: fortell hva du har sett, og spør hva de ser hjemme.",
        "deling_who": "Den ansatte og nærmeste leder",
        "deling_checklist": ["Drøftet med leder", "Undringssamtale med foreldrene", "Barnets egen stemme er hørt"],
        "deling_tools": [SNAKKE_MED_BARN],
        "oppstart_what": {
            1: "Bli enige med foreldrene om hva barnehagen eller skolen skal gjøre annerledes.",
            2: "Inviter én annen tjeneste, for eksempel helsestasjonen eller PPT, til et samarbeidsmøte.",
            3: "Meld saken til det tverrfaglige teamet, og avklar behovet for individuell plan.",
        },
        "oppstart_tools": [UDIR],
        "plan_what": "Sett mål for barnets trivsel, lek eller læring, og velg tiltak i barnegruppen, klassen og hjemme.",
        "plan_tools": [UDIR],
        "tiltak_how": "Følg med på barnet i hverdagen, og fortell foreldrene om det som går bra.",
        "tiltak_tools": [SNAKKE_MED_BARN],
    },
    ServiceCategory.HJELPE: {
        "undring_summary": "Noe i møtet med et barn eller en familie gjør deg undrende, "
        "eller en annen tjeneste drøfter en undring med deg.",
        "undring_what": "Skill mellom det du blir spurt om (henvisningen) og det du selv ser. En anonym drøfting "
        "fra en annen tjeneste kan også være starten på en undring.",
        "undring_tools": [RVTS],
        "konkret_what": "Gå gjennom det som er kartlagt fra før. Avklar hva som mangler før du vurderer videre, "
        "og om saken hører hjemme hos dere.",
        "konkret_tools": [STATPED, RVTS],
        "deling_summary": "Drøft i eget fagteam, og avklar samarbeidet med den som henviste.",
        "deling_what": "Drøft i fagteamet. Gi den som drøftet anonymt et svar på hva dere kan bidra med, og hva "
        "som må til for en henvisning. Snakk med foreldrene om hva dere ser.",
        "deling_who": "Saksbehandler eller rådgiver, med fagleder",
        "deling_checklist": ["Drøftet i fagteamet", "Den som henviste har fått svar", "Foreldrene er informert"],
        "deling_tools": [BUFDIR, DIN_UTVEI],
        "oppstart_what": {
            1: "Gjør en kartlegging i egen tjeneste, og avtal hva dere tilbyr barnet og familien.",
            2: "Samarbeid med tjenesten som henviste: avklar hvem som gjør hva, og hvem som er stafettholder.",
            3: "Sett sammen et tverrfaglig team. Vurder individuell plan og barnekoordinator.",
        },
        "oppstart_tools": [STATPED],
        "plan_what": "Skriv en sakkyndig vurdering eller plan når det trengs, og bli enige om tiltak som basistjenesten "
        "og familien kan gjennomføre.",
        "plan_tools": [STATPED, UDIR],
        "tiltak_how": "Gi veiledning til barnehagen eller skolen, og følg opp det dere selv har ansvar for.",
        "tiltak_tools": [RVTS],
    },
    ServiceCategory.VOKSEN: {
        "undring_summary": "Du møter en voksen, og undrer deg over hvordan barna hans eller hennes har det.",
        "undring_what": "Spør alltid om personen har barn eller er gravid, og hvem som tar vare på barna nå. "
        "Sykdom, rus, vold, økonomiske problemer eller bostedsløshet hos en forelder angår barna.",
        "undring_tools": [PARORENDE, BARNS_BESTE, TIDLIG_INN],
        "konkret_what": "Skriv ned hva du vet om barnas situasjon: alder, hvem de bor med, hvem som vet om "
        "forelderens situasjon, og om noen andre følger dem opp.",
        "konkret_tools": [PARORENDE],
        "deling_summary": "Snakk med forelderen om barna, og avtal hvem som skal vite det.",
        "deling_what": "Snakk med forelderen om hva barna vet og trenger. Spør om samtykke til å kontakte "
        "barnehagen, skolen eller helsestasjonen. Barneansvarlig i tjenesten kan hjelpe.",
        "deling_who": "Den ansatte og barneansvarlig i tjenesten",
        "deling_checklist": ["Forelderen er spurt om barna", "Samtykke er spurt om", "Barneansvarlig er orientert"],
        "deling_tools": [BARNS_BESTE, DIN_UTVEI],
        "oppstart_what": {
            1: "Avtal med forelderen hva dere gjør i egen tjeneste for at barna skal ha det bra (for eksempel "
            "en samtale med barna om forelderens sykdom).",
            2: "Med samtykke: samarbeid med barnehagen, skolen eller helsestasjonen om barna.",
            3: "Sett sammen et team rundt familien, og avklar hvem som følger opp barna.",
        },
        "oppstart_tools": [PARORENDE, TIDLIG_INN],
        "plan_what": "Sett mål både for forelderen og for barna, og avtal hvem som følger opp barna.",
        "plan_tools": [NAV, PARORENDE],
        "tiltak_how": "Følg opp forelderen i egen tjeneste, og hold kontakten med dem som følger opp barna.",
        "tiltak_tools": [NAV, BARNS_BESTE],
    },
}

NAMES = {
    ServiceCategory.BASIS: "Mal for basistjenestene",
    ServiceCategory.HJELPE: "Mal for hjelpetjenestene",
    ServiceCategory.VOKSEN: "Mal for voksentjenestene",
}


def template_for(category: str) -> dict[int, list[Trinn]]:
    """The levels and trinn of the template of one kind (a fresh copy to adapt)."""
    kind = _KINDS.get(category) or _KINDS[ServiceCategory.BASIS]
    return deepcopy({0: _level0(kind), 1: _upper(kind, 1), 2: _upper(kind, 2), 3: _upper(kind, 3)})
