"""Consents, involvements and meldinger til barnevernet for ``seed_scale`` (issue #9).

The rows are those ``consent.services`` writes, made in bulk: a consent with its givers
(the guardians M2M), its (unit × category) scopes and its events; the consent-based
involvement of each recipient; renewals while a case runs longer than a consent; some
consents withdrawn (scopes withdrawn, involvement ended), some left to expire, some
refused; meldinger on opplysningsplikt with their involvement. Every change plans its
stafettlogg entry (invariant 6), which the core puts into the case's hash chain.

Shares: about 60 % of the cases on nivå 1–3 have a given consent. A case on nivå 2
involves at least one other unit and on nivå 3 at least two (the BTI model), through a
consent or, on the nivå 2 cases without one, a melding til barnevernet; the one exception
is a nivå 3 case of a child under 16 with no guardian with foreldreansvar (nobody can
consent), where barnevern is the only unit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from django.utils import timezone

from bti.models import ServiceKind
from consent.categories import BARNEVERN, DEFAULT_CATEGORY
from consent.models import AgeRules, ConsentDecision, ConsentEventKind, ConsentForm, LegalBasis
from consent.services import CONDITIONS, LAWS, categories_for
from demo.scale import IdPool, ScaleContext, copy_rows, register

# Who a consent usually names, by the owning unit's service: (kind, weight).
RECIPIENTS: dict[str, list[tuple[str, int]]] = {
    ServiceKind.BARNEHAGE: [(ServiceKind.HELSESTASJON, 4), (ServiceKind.PPT, 4), (ServiceKind.SKOLE, 1)],
    ServiceKind.SKOLE: [(ServiceKind.PPT, 5), (ServiceKind.HELSESTASJON, 4), (ServiceKind.NAV, 1)],
    ServiceKind.HELSESTASJON: [(ServiceKind.BARNEHAGE, 4), (ServiceKind.PPT, 3), (ServiceKind.SKOLE, 2)],
}
# The law of the melder's opplysningsplikt, by the owning unit's service.
MELDING_LAW: dict[str, str] = {
    ServiceKind.BARNEHAGE: "bhl_46",
    ServiceKind.SKOLE: "oppl",
    ServiceKind.HELSESTASJON: "hpl_33",
}
# Per level: the share with a given consent, and how many recipient units it names (weights for 1, 2, 3).
CONSENT_SHARE = {1: 0.35, 2: 0.85, 3: 1.0}
RECIPIENT_COUNT = {1: (8, 2, 0), 2: (7, 3, 0), 3: (0, 5, 5)}
WITHDRAWN_SHARE = 0.10
EXPIRED_SHARE = 0.10  # not renewed when it ran out
REFUSED_SHARE = 0.12  # an extra consent, refused, for another unit
EXTRA_MELDING_SHARE = 0.20  # nivå 3: barnevern as well as the consented units
PURPOSES = [
    "Samarbeid om tiltak for barnet i tråd med BTI-stafettloggen.",
    "Felles kartlegging og oppfølging av barnets språk og trivsel.",
    "Drøfte og følge opp barnets helse og utvikling i et samarbeidsmøte.",
]
CHILD_VIEWS = [
    "Barnet sier det er greit at helsesykepleier og læreren snakker sammen.",
    "Barnet ønsker hjelp og vil være med på møtene.",
    "Barnet var usikker, men sa ja etter en samtale med kontaktlærer.",
]
MELDING_TEXT = "Bekymring for omsorgssituasjonen etter gjentatte observasjoner."


@dataclass
class _Rows:
    consents: list[tuple[Any, ...]] = field(default_factory=list)
    givers: list[tuple[int, int]] = field(default_factory=list)
    scopes: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    involvements: list[tuple[Any, ...]] = field(default_factory=list)
    meldinger: list[tuple[Any, ...]] = field(default_factory=list)


class _Givers(NamedTuple):
    guardians: list[tuple[int, str]]  # (id, name) of guardians with foreldreansvar
    young: bool  # the young person consents (too)
    age: int  # the child's age when asked


@dataclass
class _Consent:
    """One consent of a case while it is being planned."""

    id: int
    registered_at: datetime
    valid_from: date
    valid_until: date
    renews: int | None


@register("consent", stage="before_stafettlogg")
def generate(ctx: ScaleContext, cursor: Any) -> None:
    gen = _Generator(ctx, cursor)
    for case in ctx.cases:
        gen.case(*case)
    gen.write()


class _Generator:
    def __init__(self, ctx: ScaleContext, cursor: Any) -> None:
        self.ctx, self.rng, self.cursor, self.k = ctx, ctx.rng, cursor, ctx.kommune.pk
        self.today = timezone.localdate(ctx.now)
        self.rules = AgeRules.for_kommune(self.k)
        self.categories = {c.code: c for c in categories_for(self.k)}
        self.kind_of = {unit: kind for kind, units in ctx.unit_ids_by_kind.items() for unit in units}
        self.consent_ids = IdPool(cursor, "consent_consent")
        self.involvement_ids = IdPool(cursor, "consent_involvement")
        self.rows = _Rows()
        self.cases_with_consent = 0

    # --- per case ------------------------------------------------------------------------

    def case(
        self,
        case_id: int,
        child_id: int,
        owner: int,
        level: int,
        _status: str,
        opened: datetime,
        holder: int | None,
    ) -> None:
        if level < 1 or holder is None:
            return
        rng, ctx = self.rng, self.ctx
        span = max(3600.0, (ctx.now - opened).total_seconds())
        kinds = self._recipient_kinds(owner, level)
        units = [rng.choice(ctx.unit_ids_by_kind[kind]) for kind in kinds]
        at = opened + timedelta(seconds=span * rng.uniform(0.15, 0.4))
        givers = self._givers(child_id, at)
        consented = bool(units) and givers is not None and rng.random() < CONSENT_SHARE[level]
        if consented:
            assert givers is not None
            self._given(case_id, child_id, owner, holder, units, givers, at)
        if (level >= 2 and not consented) or (level == 3 and rng.random() < EXTRA_MELDING_SHARE):
            self._melding(case_id, owner, holder, opened + timedelta(seconds=span * rng.uniform(0.1, 0.6)))
        others = [kind for kind, _w in RECIPIENTS[self.kind_of[owner]] if kind not in kinds]
        if others and rng.random() < REFUSED_SHARE:
            refused_at = opened + timedelta(seconds=span * rng.uniform(0.1, 0.5))
            refusers = self._givers(child_id, refused_at)
            if refusers is not None:
                unit = rng.choice(ctx.unit_ids_by_kind[rng.choice(others)])
                self._refused(case_id, child_id, owner, holder, unit, refusers, refused_at)

    def _recipient_kinds(self, owner: int, level: int) -> list[str]:
        choices = list(RECIPIENTS[self.kind_of[owner]])
        count = self.rng.choices((1, 2, 3), weights=RECIPIENT_COUNT[level])[0]
        kinds: list[str] = []
        while choices and len(kinds) < count:
            kind = self.rng.choices([c for c, _w in choices], weights=[w for _c, w in choices])[0]
            kinds.append(kind)
            choices = [(c, w) for c, w in choices if c != kind]
        return kinds

    def _givers(self, child_id: int, at: datetime) -> _Givers | None:
        """Who can consent at ``at``: guardians with foreldreansvar and/or the young person
        (from ``consents_alone_from``). None when nobody can."""
        age = self._age(child_id, at)
        guardians = [(gid, name) for gid, name, responsible in self.ctx.guardians[child_id] if responsible]
        alone = age >= self.rules.consents_alone_from
        if not guardians and not alone:
            return None
        young = alone and (not guardians or self.rng.random() < 0.5)
        return _Givers(guardians, young, age)

    def _categories(self, age: int, young: bool) -> list[Any]:
        rng = self.rng
        codes = [DEFAULT_CATEGORY]
        if rng.random() < 0.6:
            codes.append("plan_tiltak")
        if rng.random() < 0.15:
            codes.append("kartlegging")
        # From helserettslig myndighetsalder the young person decides on health information.
        if rng.random() < 0.15 and (young or age < self.rules.health_consents_alone_from):
            codes.append("helseopplysninger")
        return [self.categories[c] for c in codes]

    def _given(
        self,
        case_id: int,
        child_id: int,
        owner: int,
        actor: int,
        units: list[int],
        givers: _Givers,
        at: datetime,
    ) -> None:
        rng, ctx = self.rng, self.ctx
        outcome = rng.random()
        # The first consent, then a renewal each time one runs out while the case goes on.
        chain = [self._consent_row(at, None)]
        while chain[-1].valid_until < self.today:
            last = chain[-1]
            renewed = _local(last.valid_until, 10) - timedelta(days=rng.randint(0, 21), minutes=rng.randint(0, 300))
            chain.append(self._consent_row(max(renewed, last.registered_at + timedelta(hours=1)), last.id))
        last = chain[-1]
        if outcome < EXPIRED_SHARE and (self.today - last.valid_from).days >= 1:
            last.valid_until = last.valid_from + timedelta(days=rng.randint(0, (self.today - last.valid_from).days - 1))
        withdrawn_at = None
        if EXPIRED_SHARE <= outcome < EXPIRED_SHARE + WITHDRAWN_SHARE and ctx.now - last.registered_at > timedelta(
            hours=2
        ):
            withdrawn_at = last.registered_at + (ctx.now - last.registered_at) * rng.uniform(0.2, 0.9)
        # Health information: valid for the oldest the child is in the chain.
        categories = self._categories(self._age(child_id, last.registered_at), givers.young)
        unit_names = ", ".join(ctx.unit_names[u] for u in units)
        category_names = ", ".join(c.name for c in categories)
        for consent in chain:
            age = self._age(child_id, consent.registered_at)
            period = (consent.valid_from, consent.valid_until)
            self._consent(
                case_id,
                consent.id,
                ConsentDecision.GIVEN,
                consent.registered_at,
                actor,
                givers,
                age,
                period,
                consent.renews,
            )
            withdrawn = withdrawn_at if consent is last else None
            self.rows.scopes.extend(
                (self.k, consent.id, case_id, unit, c.pk, withdrawn, actor if withdrawn else None)
                for unit in units
                for c in categories
            )
            self._event(consent.id, ConsentEventKind.GIVEN, consent.registered_at, actor)
            if consent.renews is not None:
                self._event(consent.renews, ConsentEventKind.RENEWED, consent.registered_at, actor, {"ny": consent.id})
            text = (
                f"Samtykke registrert for {unit_names} ({category_names}), "
                f"gyldig {consent.valid_from:%d.%m.%Y}–{consent.valid_until:%d.%m.%Y}."
            )
            data = {
                "hendelse": "samtykke_gitt",
                "samtykke": consent.id,
                "enheter": units,
                "kategorier": [c.code for c in categories],
            }
            self._entry(case_id, consent.registered_at, actor, owner, text, data, DEFAULT_CATEGORY)
        if withdrawn_at is not None:
            who = givers.guardians[0][1] if givers.guardians else "Ungdommen selv"
            detail = {"enhet": None, "kategori": ""}
            self._event(last.id, ConsentEventKind.WITHDRAWN, withdrawn_at, actor, detail, who)
            what = ", ".join(sorted(f"{ctx.unit_names[u]} ({c.name})" for u in units for c in categories))
            data = {"hendelse": "samtykke_trukket", "samtykke": last.id, "enhet": None}
            text = f"Samtykke trukket tilbake av {who}: {what}."
            self._entry(case_id, withdrawn_at, actor, owner, text, data, DEFAULT_CATEGORY)
        # The units may read until the consent is withdrawn or has run out.
        expired = last.valid_until < self.today
        until = withdrawn_at or (_local(last.valid_until + timedelta(days=1), 0) if expired else None)
        started = chain[0].registered_at
        for unit in units:
            self.rows.involvements.append(
                (
                    self.involvement_ids.next(),
                    self.k,
                    case_id,
                    unit,
                    LegalBasis.CONSENT,
                    "",
                    "",
                    started,
                    actor,
                    withdrawn_at,
                )
            )
            ctx.readers.setdefault(case_id, []).append((unit, started, until))
        self.cases_with_consent += 1

    def _age(self, child_id: int, at: datetime) -> int:
        born, day = self.ctx.birth_dates[child_id], timezone.localdate(at)
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def _consent_row(self, at: datetime, renews: int | None) -> _Consent:
        start = timezone.localdate(at)
        return _Consent(self.consent_ids.next(), at, start, start + timedelta(days=self.rng.randint(180, 365)), renews)

    def _consent(
        self,
        case_id: int,
        pk: int,
        decision: str,
        at: datetime,
        actor: int,
        givers: _Givers,
        age: int,
        period: tuple[date, date] | None = None,
        renews: int | None = None,
    ) -> None:
        rng = self.rng
        form = rng.choices(ConsentForm.values, weights=[6, 1, 3])[0]  # written, oral, digital
        oral_note = "Samtykket ble gitt muntlig i møte; referat skrevet samme dag." if form == ConsentForm.ORAL else ""
        child_view = rng.choice(CHILD_VIEWS) if age >= self.rules.inform_from else ""
        valid_from, valid_until = period or (None, None)
        self.rows.consents.append(
            (
                pk,
                self.k,
                case_id,
                decision,
                givers.young,
                rng.choice(PURPOSES),
                form,
                oral_note,
                "",
                child_view,
                valid_from,
                valid_until,
                renews,
                actor,
                at,
            )
        )
        self.rows.givers.extend((pk, gid) for gid, _name in givers.guardians)

    def _refused(
        self,
        case_id: int,
        child_id: int,
        owner: int,
        actor: int,
        unit: int,
        givers: _Givers,
        at: datetime,
    ) -> None:
        categories = self._categories(givers.age, givers.young)
        consent_id = self.consent_ids.next()
        self._consent(case_id, consent_id, ConsentDecision.REFUSED, at, actor, givers, givers.age)
        for category in categories:
            self.rows.scopes.append((self.k, consent_id, case_id, unit, category.pk, None, None))
        self._event(consent_id, ConsentEventKind.REFUSED, at, actor)
        text = f"Samtykke nektet for {self.ctx.unit_names[unit]} ({', '.join(c.name for c in categories)})."
        data = {
            "hendelse": "samtykke_nektet",
            "samtykke": consent_id,
            "enheter": [unit],
            "kategorier": [c.code for c in categories],
        }
        self._entry(case_id, at, actor, owner, text, data, DEFAULT_CATEGORY)

    def _melding(self, case_id: int, owner: int, actor: int, at: datetime) -> None:
        """A melding til barnevernet on opplysningsplikt: needs no consent (C-17)."""
        rng, ctx = self.rng, self.ctx
        unit = rng.choice(ctx.unit_ids_by_kind[ServiceKind.BARNEVERN])
        law = MELDING_LAW[self.kind_of[owner]]
        condition = rng.choice(list(CONDITIONS))
        violence = rng.random() < 0.2
        involvement_id = self.involvement_ids.next()
        self.rows.involvements.append(
            (involvement_id, self.k, case_id, unit, LegalBasis.OPPLYSNINGSPLIKT, law, condition, at, actor, None)
        )
        self.rows.meldinger.append((self.k, case_id, involvement_id, law, condition, violence, MELDING_TEXT, actor, at))
        data: dict[str, Any] = {"hendelse": "melding_barnevern", "enhet": unit, "hjemmel": law, "vilkar": condition}
        if violence:
            data["skjul_for_foresatte"] = True
        text = f"Melding til barnevernet ({LAWS[law]}). Vilkår: {CONDITIONS[condition]}."
        self._entry(case_id, at, actor, owner, text, data, BARNEVERN)
        ctx.readers.setdefault(case_id, []).append((unit, at, None))

    def _event(
        self,
        consent_id: int,
        kind: str,
        at: datetime,
        actor: int,
        detail: dict[str, Any] | None = None,
        withdrawn_by_name: str = "",
    ) -> None:
        self.rows.events.append((self.k, consent_id, kind, at, actor, withdrawn_by_name, detail or {}))

    def _entry(
        self, case_id: int, at: datetime, actor: int, unit: int, text: str, data: dict[str, Any], category: str
    ) -> None:
        """As ``consent.services._entry``: kind «deling», the event and the category in ``data``."""
        self.ctx.plan_entry(
            case_id,
            at=at,
            author=actor,
            author_unit=unit,
            kind="deling",
            text=text,
            data={**data, "kategori": category},
        )

    # --- writing -----------------------------------------------------------------------

    def write(self) -> None:
        cursor, rows, counts = self.cursor, self.rows, self.ctx.counts
        counts["cases_with_consent"] = self.cases_with_consent
        consent_columns = [
            "id",
            "kommune_id",
            "case_id",
            "decision",
            "by_young_person",
            "purpose",
            "form",
            "oral_note",
            "document",
            "child_view",
            "valid_from",
            "valid_until",
            "renews_id",
            "registered_by_id",
            "registered_at",
        ]
        counts["consents"] = copy_rows(cursor, "consent_consent", consent_columns, rows.consents)
        counts["consent_givers"] = copy_rows(
            cursor, "consent_consent_guardians", ["consent_id", "guardian_id"], rows.givers
        )
        counts["consent_scopes"] = copy_rows(
            cursor,
            "consent_consentscope",
            ["kommune_id", "consent_id", "case_id", "unit_id", "category_id", "withdrawn_at", "withdrawn_by_id"],
            rows.scopes,
        )
        counts["consent_events"] = copy_rows(
            cursor,
            "consent_consentevent",
            ["kommune_id", "consent_id", "kind", "at", "actor_id", "withdrawn_by_name", "detail"],
            ((*row[:-1], json.dumps(row[-1])) for row in rows.events),
        )
        counts["involvements"] = copy_rows(
            cursor,
            "consent_involvement",
            [
                "id",
                "kommune_id",
                "case_id",
                "unit_id",
                "basis",
                "law",
                "condition",
                "started_at",
                "started_by_id",
                "ended_at",
            ],
            rows.involvements,
        )
        counts["meldinger"] = copy_rows(
            cursor,
            "consent_barnevernmelding",
            [
                "kommune_id",
                "case_id",
                "involvement_id",
                "law",
                "condition",
                "violence_or_abuse",
                "description",
                "sent_by_id",
                "sent_at",
            ],
            rows.meldinger,
        )


def _local(day: date, hour: int) -> datetime:
    """``hour`` o'clock in the kommune on ``day``, in UTC like every other time here."""
    return timezone.make_aware(datetime.combine(day, time(hour))).astimezone(UTC)
