"""Default handlingsveileder templates for the three kinds of service, in our own words.

* **basis** – barnehage, skole, SFO, helsestasjon and tannhelse: the services that meet
  every child. Their tools are about noticing and talking: tegn og signaler, samtale med
  barnet, undringssamtale med foreldrene.
* **hjelpe** – PPT, barnevern, psykisk helse, fysio- og ergoterapi: services others turn
  to. Their tools are kartlegging, henvisning and drøfting.
* **voksen** – NAV, psykisk helse og rus for voksne and other services for adults: the
  child is seen through the adult. Their tools are about barn som pårørende: asking
  whether the person has children, talking with the parent about the children.

The texts are marked for translation: a kommune gets its templates in its administrative
language when they are published (``services.setup``, under ``translation.override``); from
then on they are the kommune's own data, shown as written.

All three follow the BTI model's levels and trinn (nivå 0: undring, konkretisering,
deling, beslutning; nivå 1–3: oppstart og vurdering, planlegging, tiltak, evaluering,
beslutning) so a case can move between services without changing its track.

``completed_by_actions`` names the case actions that fulfil a trinn (developer
workflow, issue 17). The loader of today (``services.setup._create_steps``) reads only the
keys it knows and ignores this one; once the Step model has the field, the loader passes
it on and these lists take effect without changing the templates.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as N_

from bti.models import ServiceCategory

Trinn = dict[str, Any]

# --- Tools (links to national, public resources; each kommune adds its own) -------------

SNAKKE_MED_BARN = {"title": N_("Snakke med barn – øv på samtalen (Bufdir)"), "url": "https://www.snakkemedbarn.no/"}
JEG_VET = {"title": N_("Jeg vet – undervisning om vold og overgrep (Bufdir)"), "url": "https://jegvet.no/"}
BUFDIR = {
    "title": N_("Barnevernet: når og hvordan du melder bekymring (Bufdir)"),
    "url": "https://www.bufdir.no/barnevern/",
}
UDIR = {"title": N_("Tilrettelegging og spesialpedagogisk hjelp (Udir)"), "url": "https://www.udir.no/"}
STATPED = {"title": N_("Statped – kompetanse for PPT"), "url": "https://www.statped.no/"}
RVTS = {"title": N_("RVTS – vold, traumer og selvmordsforebygging"), "url": "https://www.rvts.no/"}
DIN_UTVEI = {"title": N_("Dinutvei – hjelp ved vold og overgrep"), "url": "https://dinutvei.no/"}
PARORENDE = {
    "title": N_("Pårørendeveilederen: barn som pårørende (Helsedirektoratet)"),
    "url": "https://www.helsedirektoratet.no/veiledere/parorendeveileder",
}
BARNS_BESTE = {"title": N_("BarnsBeste – barn som pårørende"), "url": "https://www.barnsbeste.no/"}
TIDLIG_INN = {
    "title": N_("Tidlig inn – rus, psykisk helse og vold i familien"),
    "url": "https://tidliginnsats.forebygging.no/",
}
NAV = {"title": N_("NAV – økonomi, bolig og arbeid for familier"), "url": "https://www.nav.no/"}

# --- The shared skeleton --------------------------------------------------------------


def _level0(kind: dict[str, Any]) -> list[Trinn]:
    return [
        {
            "title": N_("Undring"),
            "summary": kind["undring_summary"],
            "what": kind["undring_what"],
            "how": N_("Skriv ned det du faktisk har sett og hørt, med dato. Ikke tolk og ikke konkluder."),
            "who": N_("Den ansatte som undrer seg"),
            "checklist": [N_("Jeg har skrevet ned hva jeg så eller hørte"), N_("Jeg har notert når det skjedde")],
            "tools": kind["undring_tools"],
        },
        {
            "title": N_("Konkretisering"),
            "summary": N_("Gjør undringen konkret: hva, hvor ofte, hvor lenge."),
            "what": kind["konkret_what"],
            "how": N_(
                "Spør deg selv: Hva har jeg sett? Hvor lenge har det vart? Har noen andre undret seg? "
                "Observer en kort periode før du drøfter videre."
            ),
            "who": N_("Den ansatte, gjerne sammen med en kollega"),
            "checklist": [N_("Undringen er skrevet som spørsmål"), N_("Observasjonene er datert")],
            "tools": kind["konkret_tools"],
            "completed_by_actions": ["konkretisering"],
        },
        {
            "title": N_("Deling"),
            "summary": kind["deling_summary"],
            "what": kind["deling_what"],
            "how": N_(
                "Andre tjenester kan bare få vite hvem det gjelder med samtykke eller annet lovlig grunnlag. "
                "Uten det kan du drøfte saken anonymt."
            ),
            "who": kind["deling_who"],
            "checklist": kind["deling_checklist"],
            "tools": kind["deling_tools"],
            "completed_by_actions": ["deling"],
        },
        {
            "title": N_("Beslutning"),
            "summary": N_("Avklar om det er grunn til bekymring, og hva som skjer videre."),
            "what": N_(
                "Bestem om saken avsluttes, eller går videre til nivå 1, 2 eller 3. Ved mistanke om vold, "
                "overgrep eller alvorlig omsorgssvikt: meld til barnevernet straks, uten å involvere foreldrene først."
            ),
            "how": N_("Begrunn beslutningen og skriv den i stafettloggen."),
            "who": N_("Den ansatte sammen med nærmeste leder"),
            "checklist": [N_("Beslutningen er begrunnet"), N_("Foreldrene vet hva som skjer videre")],
            "deadline_days": 14,
            "deadline_from": "level",
            "tools": [BUFDIR],
            "completed_by_actions": ["beslutning"],
        },
    ]


def _upper(kind: dict[str, Any], level: int) -> list[Trinn]:
    scope = {
        1: N_("i egen tjeneste"),
        2: N_("sammen med én annen tjeneste"),
        3: N_("sammen med flere tjenester, ofte med et tverrfaglig team"),
    }[level]
    return [
        {
            "title": N_("Oppstart og vurdering"),
            "summary": N_("Beskriv utfordringen og avtal arbeidet %(scope)s.") % {"scope": scope},
            "what": kind["oppstart_what"][level],
            "how": N_(
                "Hold et oppstartsmøte med foreldrene (og barnet når det passer). Skaff samtykke før andre "
                "tjenester blir med, og avtal hvem som er stafettholder."
            ),
            "who": N_("Stafettholder"),
            "checklist": [N_("Stafettholder er valgt"), N_("Foreldrene er med"), N_("Barnets stemme er hørt")]
            + ([N_("Samtykket dekker alle tjenestene som er med")] if level >= 2 else []),
            "tools": kind["oppstart_tools"],
        },
        {
            "title": N_("Planlegging"),
            "summary": N_("Lag en plan med mål og tiltak."),
            "what": kind["plan_what"],
            "how": N_("Skriv mål og tiltak i stafettloggen, med én ansvarlig per tiltak og en dato for evaluering."),
            "who": N_("Stafettholder sammen med de involverte"),
            "checklist": [
                N_("Mål er formulert sammen med familien"),
                N_("Hvert tiltak har en ansvarlig"),
                N_("Evalueringsdato er satt"),
            ],
            "tools": kind["plan_tools"],
            "completed_by_actions": ["mal"],
        },
        {
            "title": N_("Tiltak"),
            "summary": N_("Sett tiltakene i gang og følg med."),
            "what": N_("Gjennomfør tiltakene slik det er avtalt, og noter fremdriften."),
            "how": kind["tiltak_how"],
            "who": N_("De som har ansvar for tiltakene"),
            "checklist": [N_("Tiltakene er startet"), N_("En voksen snakker med barnet mellom møtene")],
            "tools": kind["tiltak_tools"],
            "completed_by_actions": ["tiltak_startet"],
        },
        {
            "title": N_("Evaluering"),
            "summary": N_("Se på om tiltakene virker."),
            "what": N_("Vurder hva som har virket og hva som må endres, sammen med familien."),
            "how": N_("Hold et evalueringsmøte der barnets og foreldrenes erfaringer kommer fram."),
            "who": N_("Stafettholder"),
            "checklist": [N_("Evalueringsmøte er holdt"), N_("Barnets erfaring er med i evalueringen")],
            "completed_by_actions": ["evaluering"],
        },
        {
            "title": N_("Beslutning"),
            "summary": N_("Bestem veien videre."),
            "what": str(N_("Fortsett, gå opp eller ned et nivå, eller avslutt saken."))
            + (str(N_(" Står arbeidet stille, kan saken meldes til koordinerende enhet.")) if level == 3 else ""),
            "how": N_("Begrunn beslutningen i stafettloggen, og avtal hvem som har stafetten videre."),
            "who": N_("Stafettholder sammen med de involverte"),
            "checklist": [N_("Beslutningen er begrunnet"), N_("Familien vet hva som skjer videre")],
            "completed_by_actions": ["nivabeslutning"],
        },
    ]


_KINDS: dict[str, dict[str, Any]] = {
    ServiceCategory.BASIS: {
        "undring_summary": N_("Noe du ser, hører eller blir fortalt om et barn gjør deg undrende."),
        "undring_what": N_(
            "Legg merke til endringer i lek, læring, språk, kropp, humør eller samspill, "
            "og til det barnet selv forteller. Se også etter tegn hos foreldrene: trøtthet, uro, lukt av alkohol, "
            "mange avlysninger."
        ),
        "undring_tools": [SNAKKE_MED_BARN, JEG_VET],
        "konkret_what": N_("Formuler undringen som spørsmål. Observer barnet i ulike situasjoner i en til to uker."),
        "konkret_tools": [SNAKKE_MED_BARN],
        "deling_summary": N_("Del undringen med leder, kollega, barnet og foreldrene."),
        "deling_what": N_(
            "Drøft med nærmeste leder. Snakk med barnet på barnets premisser, og ta en undringssamtale "
            "med foreldrene: fortell hva du har sett, og spør hva de ser hjemme."
        ),
        "deling_who": N_("Den ansatte og nærmeste leder"),
        "deling_checklist": [
            N_("Drøftet med leder"),
            N_("Undringssamtale med foreldrene"),
            N_("Barnets egen stemme er hørt"),
        ],
        "deling_tools": [SNAKKE_MED_BARN],
        "oppstart_what": {
            1: N_("Bli enige med foreldrene om hva barnehagen eller skolen skal gjøre annerledes."),
            2: N_("Inviter én annen tjeneste, for eksempel helsestasjonen eller PPT, til et samarbeidsmøte."),
            3: N_("Meld saken til det tverrfaglige teamet, og avklar behovet for individuell plan."),
        },
        "oppstart_tools": [UDIR],
        "plan_what": N_(
            "Sett mål for barnets trivsel, lek eller læring, og velg tiltak i barnegruppen, klassen og hjemme."
        ),
        "plan_tools": [UDIR],
        "tiltak_how": N_("Følg med på barnet i hverdagen, og fortell foreldrene om det som går bra."),
        "tiltak_tools": [SNAKKE_MED_BARN],
    },
    ServiceCategory.HJELPE: {
        "undring_summary": N_(
            "Noe i møtet med et barn eller en familie gjør deg undrende, "
            "eller en annen tjeneste drøfter en undring med deg."
        ),
        "undring_what": N_(
            "Skill mellom det du blir spurt om (henvisningen) og det du selv ser. En anonym drøfting "
            "fra en annen tjeneste kan også være starten på en undring."
        ),
        "undring_tools": [RVTS],
        "konkret_what": N_(
            "Gå gjennom det som er kartlagt fra før. Avklar hva som mangler før du vurderer videre, "
            "og om saken hører hjemme hos dere."
        ),
        "konkret_tools": [STATPED, RVTS],
        "deling_summary": N_("Drøft i eget fagteam, og avklar samarbeidet med den som henviste."),
        "deling_what": N_(
            "Drøft i fagteamet. Gi den som drøftet anonymt et svar på hva dere kan bidra med, og hva "
            "som må til for en henvisning. Snakk med foreldrene om hva dere ser."
        ),
        "deling_who": N_("Saksbehandler eller rådgiver, med fagleder"),
        "deling_checklist": [
            N_("Drøftet i fagteamet"),
            N_("Den som henviste har fått svar"),
            N_("Foreldrene er informert"),
        ],
        "deling_tools": [BUFDIR, DIN_UTVEI],
        "oppstart_what": {
            1: N_("Gjør en kartlegging i egen tjeneste, og avtal hva dere tilbyr barnet og familien."),
            2: N_("Samarbeid med tjenesten som henviste: avklar hvem som gjør hva, og hvem som er stafettholder."),
            3: N_("Sett sammen et tverrfaglig team. Vurder individuell plan og barnekoordinator."),
        },
        "oppstart_tools": [STATPED],
        "plan_what": N_(
            "Skriv en sakkyndig vurdering eller plan når det trengs, og bli enige om tiltak som basistjenesten "
            "og familien kan gjennomføre."
        ),
        "plan_tools": [STATPED, UDIR],
        "tiltak_how": N_("Gi veiledning til barnehagen eller skolen, og følg opp det dere selv har ansvar for."),
        "tiltak_tools": [RVTS],
    },
    ServiceCategory.VOKSEN: {
        "undring_summary": N_("Du møter en voksen, og undrer deg over hvordan barna hans eller hennes har det."),
        "undring_what": N_(
            "Spør alltid om personen har barn eller er gravid, og hvem som tar vare på barna nå. "
            "Sykdom, rus, vold, økonomiske problemer eller bostedsløshet hos en forelder angår barna."
        ),
        "undring_tools": [PARORENDE, BARNS_BESTE, TIDLIG_INN],
        "konkret_what": N_(
            "Skriv ned hva du vet om barnas situasjon: alder, hvem de bor med, hvem som vet om "
            "forelderens situasjon, og om noen andre følger dem opp."
        ),
        "konkret_tools": [PARORENDE],
        "deling_summary": N_("Snakk med forelderen om barna, og avtal hvem som skal vite det."),
        "deling_what": N_(
            "Snakk med forelderen om hva barna vet og trenger. Spør om samtykke til å kontakte "
            "barnehagen, skolen eller helsestasjonen. Barneansvarlig i tjenesten kan hjelpe."
        ),
        "deling_who": N_("Den ansatte og barneansvarlig i tjenesten"),
        "deling_checklist": [
            N_("Forelderen er spurt om barna"),
            N_("Samtykke er spurt om"),
            N_("Barneansvarlig er orientert"),
        ],
        "deling_tools": [BARNS_BESTE, DIN_UTVEI],
        "oppstart_what": {
            1: N_(
                "Avtal med forelderen hva dere gjør i egen tjeneste for at barna skal ha det bra (for eksempel "
                "en samtale med barna om forelderens sykdom)."
            ),
            2: N_("Med samtykke: samarbeid med barnehagen, skolen eller helsestasjonen om barna."),
            3: N_("Sett sammen et team rundt familien, og avklar hvem som følger opp barna."),
        },
        "oppstart_tools": [PARORENDE, TIDLIG_INN],
        "plan_what": N_("Sett mål både for forelderen og for barna, og avtal hvem som følger opp barna."),
        "plan_tools": [NAV, PARORENDE],
        "tiltak_how": N_("Følg opp forelderen i egen tjeneste, og hold kontakten med dem som følger opp barna."),
        "tiltak_tools": [NAV, BARNS_BESTE],
    },
}

NAMES = {
    ServiceCategory.BASIS: N_("Mal for basistjenestene"),
    ServiceCategory.HJELPE: N_("Mal for hjelpetjenestene"),
    ServiceCategory.VOKSEN: N_("Mal for voksentjenestene"),
}


def template_for(category: str) -> dict[int, list[Trinn]]:
    """The levels and trinn of the template of one kind (a fresh copy to adapt)."""
    kind = _KINDS.get(category) or _KINDS[ServiceCategory.BASIS]
    return resolve({0: _level0(kind), 1: _upper(kind, 1), 2: _upper(kind, 2), 3: _upper(kind, 3)})


def resolve(value: Any) -> Any:
    """A fresh copy with every text in the active language (the caller activates the kommune's)."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {key: resolve(item) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item) for item in value]
    return value
