"""The demo personas of STYLE.md §5 as plain data (no Django imports), so scripts can
print the demo logins without loading the app. ``demo.seed`` creates them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Persona:
    key: str
    email: str
    full_name: str
    title: str
    unit: str | None
    role: str | None
    kommune_role: str | None = None
    system_admin: bool = False
    other_kommune: bool = False
    # Works for this KoRus (regional competence centre) and has no kommune of their own.
    korus: str | None = None


PERSONAS: list[Persona] = [
    Persona(
        "barnehagelaerer",
        "kari.nordmann@eksempel.kommune.no",
        "Kari Nordmann",
        "Pedagogisk leder",
        "Lia barnehage",
        "ansatt",
    ),
    Persona("styrer", "lise.berg@eksempel.kommune.no", "Lise Berg", "Styrer", "Lia barnehage", "leder"),
    Persona(
        "kontaktlaerer",
        "ola.hansen@eksempel.kommune.no",
        "Ola Hansen",
        "Kontaktlærer",
        "Solberg skole",
        "ansatt",
    ),
    Persona("rektor", "eva.solberg@eksempel.kommune.no", "Eva Solberg", "Rektor", "Solberg skole", "leder"),
    Persona("ppt", "per.dahl@eksempel.kommune.no", "Per Dahl", "PP-rådgiver", "PPT Eksempel", "ansatt"),
    Persona(
        "helsesykepleier",
        "hanne.lie@eksempel.kommune.no",
        "Hanne Lie",
        "Helsesykepleier",
        "Helsestasjonen",
        "ansatt",
    ),
    Persona(
        "barnevern",
        "siri.vang@eksempel.kommune.no",
        "Siri Vang",
        "Saksbehandler barnevern",
        "Barneverntjenesten",
        "ansatt",
    ),
    Persona(
        "barnehagelaerer2",
        "nina.holm@eksempel.kommune.no",
        "Nina Holm",
        "Barnehagelærer",
        "Solsikken barnehage",
        "ansatt",
    ),
    Persona(
        "fagadmin",
        "tor.moe@eksempel.kommune.no",
        "Tor Moe",
        "Fagadministrator barnehage",
        "Lia barnehage",
        "fagadministrator",
    ),
    Persona(
        "kommunalsjef",
        "anne.vik@eksempel.kommune.no",
        "Anne Vik",
        "Kommunalsjef oppvekst",
        None,
        None,
        "kommunalsjef",
    ),
    Persona(
        "kommuneadmin",
        "tone.lund@eksempel.kommune.no",
        "Tone Lund",
        "Kommuneadministrator",
        None,
        None,
        "administrator",
    ),
    Persona(
        "bti_koordinator",
        "bente.aas@eksempel.kommune.no",
        "Bente Aas",
        "BTI-koordinator",
        None,
        None,
        "bti_koordinator",
    ),
    Persona(
        "korus",
        "mari.lunde@korus.eksempel.no",
        "Mari Lunde",
        "Rådgiver, KoRus",
        None,
        None,
        korus="KoRus Eksempelregionen",
    ),
    Persona(
        "sysadmin", "admin@eksempel.kommune.no", "Sigrid Admin", "Systemadministrator", None, None, system_admin=True
    ),
    Persona(
        "utenforstaaende",
        "jon.fjell@nabo.kommune.no",
        "Jon Fjell",
        "Lærer",
        "Fjell skole",
        "ansatt",
        other_kommune=True,
    ),
]
