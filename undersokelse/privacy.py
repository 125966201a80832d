"""Free text in an anonymous survey must not name anyone: a fødselsnummer is always
removed, and names are pointed out to the writer before the answer is sent."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Any 11-digit number (optionally «ddmmåå nnnnn»): a fødselsnummer or D-nummer, checksum or not.
FNR = re.compile(r"(?<!\d)\d{6}[ .-]?\d{5}(?!\d)")
FNR_REMOVED = "[fødselsnummer fjernet]"
# Two or more capitalised words in a row («Emma Hansen»): Norwegian capitalises names, not nouns.
NAME_PAIR = re.compile(r"\b([A-ZÆØÅ][a-zæøåéü]+(?:[ -][A-ZÆØÅ][a-zæøåéü]+)+)\b")
WORD = re.compile(r"\b[A-ZÆØÅ][a-zæøåéü]+\b")
# Common Norwegian first names: a single one in a sentence is worth a second look.
COMMON_FIRST_NAMES = frozenset(
    [
        "Anne",
        "Inger",
        "Kari",
        "Marit",
        "Ingrid",
        "Liv",
        "Eva",
        "Berit",
        "Astrid",
        "Bjørg",
        "Hilde",
        "Anna",
        "Solveig",
        "Marianne",
        "Randi",
        "Ida",
        "Nina",
        "Maria",
        "Elisabeth",
        "Kristin",
        "Emma",
        "Nora",
        "Sara",
        "Sofie",
        "Olivia",
        "Ella",
        "Leah",
        "Maja",
        "Ingeborg",
        "Hanne",
        "Silje",
        "Lise",
        "Jan",
        "Per",
        "Bjørn",
        "Ole",
        "Lars",
        "Kjell",
        "Knut",
        "Arne",
        "Svein",
        "Hans",
        "Geir",
        "Tor",
        "Morten",
        "Terje",
        "Odd",
        "Erik",
        "Jon",
        "Anders",
        "Thomas",
        "Martin",
        "Andreas",
        "Jakob",
        "Noah",
        "Emil",
        "Oskar",
        "Lucas",
        "Filip",
        "William",
        "Henrik",
        "Aksel",
        "Magnus",
        "Isak",
        "Ola",
        "Kristian",
    ]
)


def strip_fnr(text: str) -> tuple[str, bool]:
    cleaned, count = FNR.subn(FNR_REMOVED, text)
    return cleaned, count > 0


def has_fnr(text: str) -> bool:
    return bool(FNR.search(text))


def possible_names(text: str, known_names: Iterable[str] = ()) -> list[str]:
    """Words in ``text`` that look like a person's name (for a warning, never a refusal)."""
    found: list[str] = []
    for match in NAME_PAIR.finditer(text):
        found.append(match.group(1))
    known = {n.lower() for name in known_names for n in name.split() if len(n) > 2}
    for match in WORD.finditer(text):
        word = match.group(0)
        if (word in COMMON_FIRST_NAMES or word.lower() in known) and not any(word in f for f in found):
            found.append(word)
    return list(dict.fromkeys(found))
