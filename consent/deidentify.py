"""De-identification of an anonym drøfting's summary (C-19; issue 20, item 6).

``deidentify`` removes what identifies in every form it can know: the names the case
knows (the child as each case registered it, siblings, guardians, staff, units, the
kommune) with their possessive and hyphenated forms and initials; departments
(«avdeling Blåbær»); fødselsnummer, dates in any common format, phone numbers, e-mail
addresses, stored addresses and street-like words with or without a house number.

What it cannot know, a nickname or a name it has never seen, it flags: every capitalised
word that is not an ordinary word of Debian's Norwegian word lists (``wnorwegian``;
words the lists have only capitalised are proper nouns and are flagged too). The writer
removes or keeps each flagged word before the summary can be shared
(``services.drofting_confirm``).
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings

_L = r"A-Za-zÆØÅæøåÄÖÜäöüÉéÈèÁáÓóÍíÚú"  # letters of names and words
_BEFORE = rf"(?<![{_L}0-9])"
_AFTER = rf"(?![{_L}0-9])"

FNR_RE = re.compile(r"(?<!\d)\d{6}\s?\d{5}(?!\d)")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
ISO_DATE_RE = re.compile(r"(?<!\d)\d{4}-\d{1,2}-\d{1,2}(?!\d)")
PHONE_RE = re.compile(r"(?<![\d+])(?:(?:\+|00)47[\s.-]?)?\d(?:[\s.-]?\d){7}(?!\d)")
NUM_DATE_RE = re.compile(r"(?<!\d)(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2}|\d{4}))?(?![\d.]\d)")
MONTHS = (
    "januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|okt|nov|des"
)
WORD_DATE_RE = re.compile(
    rf"{_BEFORE}(?:\d{{1,2}}\.?\s*(?:{MONTHS})\.?(?:\s+\d{{4}})?|(?:{MONTHS})\s+\d{{4}}){_AFTER}", re.IGNORECASE
)
STREET_SUFFIXES = (
    "veien|vegen|veg|vei|gata|gaten|gate|stien|stig|svingen|bakken|allé|alle|alléen|plassen|"
    "terrassen|kroken|ringen|tunet|løkka|lia|haugen|jordet|åsen|toppen|sletta|grenda|vika|brygge|kaia"
)
# A street-like word with a house number («Hemmeligveien 52 B», «Storgata 1»)…
STREET_NUMBER_RE = re.compile(
    rf"{_BEFORE}[A-ZÆØÅ][{_L}-]*(?:{STREET_SUFFIXES})(?:\s+[A-ZÆØÅ][{_L}-]*)?\s+\d{{1,4}}(?:\s?[A-Za-z])?{_AFTER}"
)
# …or without one, when the word is plainly a street («i Hemmeligveien»).
STREET_WORD_RE = re.compile(rf"{_BEFORE}[A-ZÆØÅ][{_L}-]*(?:veien|vegen|gata|gaten|vei|veg|stien|allé){_AFTER}")
POSTCODE_RE = re.compile(rf"(?<!\d)\d{{4}}\s+[A-ZÆØÅ][{_L}-]+")
DEPARTMENT_RE = re.compile(
    rf"{_BEFORE}(?:(?:avdeling|avdelingen|avd\.|base|basen|gruppe|gruppa|gruppen)\s+[A-ZÆØÅ][{_L}-]*"
    rf"|[A-ZÆØÅ][{_L}]*[- ]?(?:avdelingen|avdeling|basen|gruppa)){_AFTER}"
)
CLASS_RE = re.compile(rf"{_BEFORE}(?:klasse\s+)?\d{{1,2}}\s?[A-ZÆØÅ]{_AFTER}")
CAPITALISED_RE = re.compile(rf"{_BEFORE}[A-ZÆØÅÄÖÜÉ][{_L}'’-]*")
# Abbreviations of services and common terms that are not names.
KNOWN_ABBREVIATIONS = frozenset(
    {"PPT", "NAV", "BTI", "BUP", "SFO", "ADHD", "ADD", "IP", "PP", "PPT-en", "IOP", "TPO", "BUF", "BUFETAT", "OK"}
)

NAME = "[navn fjernet]"


@dataclass
class Result:
    summary: str
    removed: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


@dataclass
class Known:
    """What the case knows that must not leave it."""

    names: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)  # units, departments, the kommune


def name_variants(name: str) -> set[str]:
    """A name and its parts (also of hyphenated names), at least two letters each."""
    name = " ".join(name.split())
    if len(name) < 2:
        return set()
    variants = {name}
    for part in re.split(r"[\s]+", name):
        variants.add(part)
        variants.update(p for p in part.split("-") if p)
    return {v for v in variants if len(v.strip(".")) >= 2}


def initials(name: str) -> set[str]:
    """«E.N.», «E. N.» and «EN» for a name of two parts or more."""
    parts = [p for p in re.split(r"[\s-]+", name) if p]
    if len(parts) < 2:
        return set()
    letters = [p[0].upper() for p in parts]
    return {".".join(letters) + ".", ". ".join(letters) + ".", "".join(letters)}


def street_variants(address: str) -> set[str]:
    """A stored address, its street part, and the street written together or apart
    («Hemmelig vei 52 B» → «Hemmelig vei», «Hemmeligvei», «Hemmeligveien»)."""
    address = " ".join(address.split())
    if not address:
        return set()
    variants = {address}
    street = re.split(r"\s\d", address, maxsplit=1)[0].strip(" ,")
    if len(street) >= 4:
        variants.add(street)
        joined = street.replace(" ", "")
        variants.update({joined, joined + "en", street + "en"})
        base = re.sub(rf"(?:{STREET_SUFFIXES})$", "", joined, flags=re.IGNORECASE)
        if len(base) >= 4:
            variants.update(base + s for s in ("veien", "vegen", "vei", "veg", "gata", "gate"))
    return variants


def _sub_words(pattern_words: Iterable[str], replacement: str, text: str, *, possessive: bool) -> tuple[str, bool]:
    hit = False
    for word in sorted(set(pattern_words), key=len, reverse=True):
        suffix = r"(?:s|'s|’s|'|’)?" if possessive else ""
        pattern = re.compile(rf"{_BEFORE}{re.escape(word)}{suffix}{_AFTER}", re.IGNORECASE)
        text, n = pattern.subn(replacement, text)
        hit = hit or n > 0
    return text, hit


def _valid_date(match: re.Match[str]) -> bool:
    day, month = int(match.group(1)), int(match.group(2))
    return 1 <= day <= 31 and 1 <= month <= 12


def deidentify(text: str, known: Known) -> Result:
    removed: list[str] = []

    def step(kind: str, new: str, old: str) -> str:
        if new != old:
            removed.append(kind)
        return new

    out = text
    out = step("fødselsnummer", FNR_RE.sub("[fødselsnummer fjernet]", out), out)
    out = step("e-post", EMAIL_RE.sub("[e-post fjernet]", out), out)
    out = step("dato", ISO_DATE_RE.sub("[dato fjernet]", out), out)
    out = step("dato", NUM_DATE_RE.sub(lambda m: "[dato fjernet]" if _valid_date(m) else m.group(0), out), out)
    out = step("telefon", PHONE_RE.sub("[telefon fjernet]", out), out)
    out = step("dato", WORD_DATE_RE.sub("[dato fjernet]", out), out)
    addresses = {v for a in known.addresses for v in street_variants(a)}
    new, hit = _sub_words(addresses, "[adresse fjernet]", out, possessive=False)
    out = step("adresse", new, out) if hit else out
    out = step("adresse", STREET_NUMBER_RE.sub("[adresse fjernet]", out), out)
    out = step("adresse", STREET_WORD_RE.sub("[adresse fjernet]", out), out)
    out = step("adresse", POSTCODE_RE.sub("[adresse fjernet]", out), out)
    new, hit = _sub_words([p for p in known.places if len(p) >= 3], "[sted fjernet]", out, possessive=True)
    out = step("enhet", new, out) if hit else out
    out = step("avdeling", DEPARTMENT_RE.sub("[avdeling fjernet]", out), out)
    out = step("klasse", CLASS_RE.sub("[klasse fjernet]", out), out)
    names = {v for n in known.names for v in name_variants(n)}
    new, hit = _sub_words(names, NAME, out, possessive=True)
    out = step("navn", new, out) if hit else out
    for name in known.names:
        for form in initials(name):
            pattern = re.compile(
                rf"{_BEFORE}{re.escape(form)}{_AFTER}" if not form.endswith(".") else rf"{_BEFORE}{re.escape(form)}"
            )
            out = step("initialer", pattern.sub(NAME, out), out)
    return Result(out, sorted(set(removed)), flag_words(out))


def flag_words(text: str) -> list[str]:
    """Capitalised words that are not ordinary Norwegian words (nicknames, unknown names)."""
    vocabulary = wordlist()
    flags: list[str] = []
    for match in CAPITALISED_RE.finditer(text):
        word = match.group(0).rstrip("'’-")
        if _inside_placeholder(text, match.start()) or word in KNOWN_ABBREVIATIONS:
            continue
        parts = [p for p in re.split(r"[-'’]", word) if p]
        # An ordinary word passes; inside a sentence, not if the lists also know it as a
        # name («Ola», «Per», «Berg»): at a sentence's start it is most likely the word.
        if all(vocabulary.ordinary(p) for p in parts) and (
            _starts_sentence(text, match.start()) or not any(vocabulary.proper(p) for p in parts)
        ):
            continue
        if word not in flags:
            flags.append(word)
    return flags


def _starts_sentence(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(' \t«"(')
    return not before or before[-1] in ".!?:\n"


def _inside_placeholder(text: str, pos: int) -> bool:
    return text.rfind("[", 0, pos) > text.rfind("]", 0, pos)


def remove_words(text: str, words: Iterable[str]) -> str:
    out, _hit = _sub_words(words, "[fjernet]", text, possessive=True)
    return out


class Wordlist:
    """Lower-case words of the lists as a sorted array of 64-bit hashes (a few MB, not
    the hundreds a set of 900,000 strings takes); loaded once per process."""

    def __init__(self, paths: Iterable[Path]) -> None:
        hashes: list[int] = []
        proper: list[int] = []
        self.available = False
        for path in paths:
            if not path.exists():
                continue
            self.available = True
            raw = path.read_bytes()
            try:
                content = raw.decode("utf-8")
            except UnicodeDecodeError:
                content = raw.decode("latin-1")
            for w in content.split("\n"):
                if w:
                    (proper if w[0].isupper() else hashes).append(_h(w.lower()))
        self.hashes = array("q", sorted(set(hashes)))
        self.proper_hashes = array("q", sorted(set(proper)))

    def ordinary(self, word: str) -> bool:
        if not self.available:
            return False  # no list: every capitalised word is flagged, to be safe
        return _contains(self.hashes, _h(word.lower()))

    def proper(self, word: str) -> bool:
        """The lists know the word (also) as a name or a place."""
        return _contains(self.proper_hashes, _h(word.lower()))


def _contains(hashes: array[int], h: int) -> bool:
    i = bisect_left(hashes, h)
    return i < len(hashes) and hashes[i] == h


def _h(word: str) -> int:
    import hashlib

    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big", signed=True)


@lru_cache(maxsize=1)
def _wordlist(paths: tuple[str, ...]) -> Wordlist:
    return Wordlist(Path(p) for p in paths)


def wordlist() -> Wordlist:
    return _wordlist(tuple(str(p) for p in settings.DROFTING_WORDLISTS))
