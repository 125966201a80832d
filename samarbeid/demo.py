"""The demo kommune's workload: about twenty cases on every level and in every state, so
each persona of the README meets real work at once (issue 17, item 9).

Every write goes through the services the pages use (undring, konkretisering, deling,
beslutning, plan, tiltak, evaluering, møter, samtykke, melding til barnevernet,
stafettholder, overgang, avslutning), as the persona who would do it. The stafettlogg is
append-only, so the history is written today; dates that matter for follow-up (frist for
beslutning, tiltak start and evaluation, consent validity, meeting times) are set as
a kommune a few months into BTI would have them. Registered in ``SamarbeidConfig.ready``
and run by ``manage.py seed_demo``; a kommune that already has cases is left alone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from bti.models import Unit, User
from cases import services as case_services
from cases.models import Case, CaseSource, Guardian
from consent import services as consent_services
from samarbeid import services
from samarbeid.models import Goal, Measure
from stafettlogg import services as log_services

People = dict[str, User]


def _unit(kommune_id: int, name: str) -> Unit:
    return Unit.objects.get(kommune_id=kommune_id, name=name)


def _today() -> date:
    return timezone.localdate()


def _born(years: int, month: int = 3, day: int = 14) -> date:
    today = _today()
    return date(today.year - years, month, day)


def _at(days: int, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(_today() + timedelta(days=days), time(hour, 0)))


class Story:
    """One demo case, told through the services by the people of ``p``."""

    def __init__(self, p: People, kommune_id: int) -> None:
        self.p = p
        self.kommune_id = kommune_id
        self.case: Case | None = None

    @property
    def id(self) -> int:
        assert self.case is not None
        return self.case.pk

    def unit_id(self, name: str) -> int:
        return _unit(self.kommune_id, name).pk

    def undring(
        self,
        who: str,
        unit: str,
        text: str,
        *,
        label: str = "",
        child: str = "",
        born: date | None = None,
        gender: str = "",
        source: str = CaseSource.ANSATT,
    ) -> Story:
        self.case = case_services.undring_create(
            actor=self.p[who],
            unit_id=self.unit_id(unit),
            observation=text,
            source=source,
            anonymous_label=label,
            child_name=child,
            birth_date=born,
            gender=gender,
        )
        return self

    def konkretisering(self, who: str, text: str) -> Story:
        log_services.note_add(actor=self.p[who], case_id=self.id, kind="konkretisering", text=text)
        return self

    def deling(self, who: str, with_whom: list[str], text: str, other_service: str = "") -> Story:
        case_services.case_record_sharing(
            actor=self.p[who], case_id=self.id, with_whom=with_whom, text=text, other_service=other_service
        )
        return self

    def frist(self, who: str, days: int, reason: str) -> Story:
        case_services.case_set_decision_deadline(
            actor=self.p[who], case_id=self.id, deadline=_today() + timedelta(days=days), reason=reason
        )
        return self

    def identify(self, who: str, child: str, born: date, gender: str = "") -> Story:
        case_services.case_identify(actor=self.p[who], case_id=self.id, full_name=child, birth_date=born, gender=gender)
        return self

    def level(self, who: str, level: int, reason: str) -> Story:
        case_services.case_change_level(actor=self.p[who], case_id=self.id, to_level=level, reason=reason)
        return self

    def guardian(self, who: str, name: str, relation: str, phone: str = "") -> Guardian:
        return case_services.guardian_add(
            actor=self.p[who],
            case_id=self.id,
            full_name=name,
            relation=relation,
            has_parental_responsibility=True,
            phone=phone,
        )

    def consent(
        self,
        who: str,
        guardian: Guardian,
        units: list[str],
        purpose: str,
        *,
        since: int = 0,
        until: int = 365,
        categories: tuple[str, ...] = ("stafettlogg", "plan_tiltak"),
    ) -> Any:
        return consent_services.consent_register(
            actor=self.p[who],
            case_id=self.id,
            decision="given",
            guardian_ids=[guardian.pk],
            by_young_person=False,
            unit_ids=[self.unit_id(u) for u in units],
            category_codes=list(categories),
            purpose=purpose,
            form="written",
            child_view="Barnet er spurt og synes det er greit at de voksne snakker sammen.",
            valid_from=_today() - timedelta(days=since),
            valid_until=_today() + timedelta(days=until),
        )

    def goal(self, who: str, text: str, agreed_with: str = "foreldrene og barnet") -> Goal:
        return services.goal_create(actor=self.p[who], case_id=self.id, text=text, agreed_with=agreed_with)

    def tiltak(
        self,
        who: str,
        goal: Goal,
        text: str,
        *,
        unit: str,
        responsible: str | None = None,
        started: int = 14,
        evaluate_in: int = 28,
        other: str = "",
    ) -> Measure:
        return services.measure_create(
            actor=self.p[who],
            case_id=self.id,
            goal_id=goal.pk,
            description=text,
            responsible_unit_id=self.unit_id(unit),
            responsible_user_id=self.p[responsible].pk if responsible else None,
            responsible_other=other,
            start_date=_today() - timedelta(days=started),
            evaluation_date=_today() + timedelta(days=evaluate_in),
        )

    def evaluate(self, who: str, measure: Measure, next_in: int = 42) -> Story:
        services.evaluation_record(
            actor=self.p[who],
            case_id=self.id,
            measure_id=measure.pk,
            what_happened="Tiltaket er gjennomført som planlagt de siste ukene.",
            child_view="Barnet sier at det er lettere nå.",
            parents_view="Foreldrene ser bedring hjemme og vil fortsette.",
            decision="fortsette",
            next_evaluation_date=_today() + timedelta(days=next_in),
        )
        return self

    def meeting(self, who: str, days: int, participants: list[str], agenda: str, place: str) -> Story:
        services.meeting_schedule(
            actor=self.p[who],
            case_id=self.id,
            starts_at=_at(days, 13),
            agenda=agenda,
            participant_ids=[self.p[x].pk for x in participants],
            place=place,
            family_participants="mor og far",
        )
        return self

    def handover(self, who: str, to: str, message: str) -> Story:
        log_services.handover_propose(actor=self.p[who], case_id=self.id, to_user_id=self.p[to].pk, message=message)
        return self

    def accept_handover(self, who: str) -> Story:
        log_services.handover_accept(actor=self.p[who], case_id=self.id)
        return self

    def transition(self, who: str, to: str, message: str) -> int:
        return services.transition_propose(
            actor=self.p[who], case_id=self.id, to_unit_id=self.unit_id(to), kind="barnehage_skole", message=message
        ).pk

    def melding(self, who: str) -> Story:
        consent_services.melding_barnevern(
            actor=self.p[who],
            case_id=self.id,
            law="oppl",
            condition="mishandling",
            description="Barnet har fortalt om slag hjemme. Melding sendt etter samtale med rektor.",
            violence_or_abuse=True,
        )
        return self

    def close_nivaa0(self, who: str, reason: str) -> Story:
        case_services.case_close(actor=self.p[who], case_id=self.id, reason=reason)
        return self

    def close(self, who: str, reason: str, summary: str) -> Story:
        services.case_close_with_summary(
            actor=self.p[who],
            case_id=self.id,
            reason=reason,
            summary=summary,
            family_informed="Foreldrene er informert i et avslutningsmøte og har fått oppsummeringen.",
        )
        return self


def _nivaa0(p: People, k: int) -> int:
    kari, ola, nina, hanne = "barnehagelaerer", "kontaktlaerer", "barnehagelaerer2", "helsesykepleier"
    # Anonymous, near its deadline: the barnehage must decide within two days.
    Story(p, k).undring(
        kari, "Lia barnehage", "M. gråter ofte ved levering og vil ikke slippe mor. Hva kan ligge bak?", label="M.K."
    ).konkretisering(
        kari, "Gråter ved levering 4 av 5 dager siste to uker. Spiser lite til lunsj. Leker mest alene."
    ).deling(kari, ["kollega", "leder"], "Kollega har sett det samme på tirsdager og torsdager.").frist(
        "styrer", 2, "Styrer ber om beslutning før foreldresamtalen på fredag."
    )
    # Anonymous, just registered.
    Story(p, k).undring(kari, "Lia barnehage", "J. har hatt flere blåmerker på leggene i det siste.", label="J.S.")
    # Anonymous, discussed anonymously with PPT.
    Story(p, k).undring(
        nina, "Solsikken barnehage", "A. snakker lite og bruker få ord sammenlignet med jevnaldrende.", label="A.-lek"
    ).deling(
        nina,
        ["anonym_drofting", "foresatte"],
        "Drøftet anonymt med PPT: de foreslår å observere språket i lek i tre uker.",
        other_service="PPT",
    )
    # Identified on nivå 0 at the school, from the parents' own initiative.
    Story(p, k).undring(
        ola,
        "Solberg skole",
        "Foreldrene forteller at Theo ikke vil gå på skolen om morgenen.",
        child="Theo Nilsen",
        born=_born(9),
        gender="gutt",
        source=CaseSource.FORELDRE,
    ).deling(ola, ["foresatte", "barnet"], "Theo sier at friminuttene er vanskelige.")
    # The helsesykepleier wonders about a family with a new baby.
    Story(p, k).undring(
        hanne, "Helsestasjonen", "Mor virker sliten og nedstemt ved 6-ukerskontrollen.", label="Familie B."
    ).konkretisering(hanne, "Mor sover lite, far jobber turnus. Barnet legger på seg som forventet.")
    return 5


def _nivaa1(p: People, k: int) -> int:
    kari, ola, nina, hanne = "barnehagelaerer", "kontaktlaerer", "barnehagelaerer2", "helsesykepleier"
    # Nivå 1 in the barnehage: a tiltak on track and a meeting next week.
    s = (
        Story(p, k)
        .undring(kari, "Lia barnehage", "Nora trekker seg unna i frilek.", child="Nora Bakken", born=_born(4))
        .konkretisering(kari, "Nora leker alene i 8 av 10 observasjoner i frilek.")
        .deling(kari, ["foresatte", "leder"], "Foreldrene kjenner seg igjen og ønsker hjelp.")
        .level(kari, 1, "Vi prøver tiltak i barnehagen sammen med foreldrene.")
    )
    s.guardian(kari, "Ingrid Bakken", "mor", "90000001")
    g = s.goal(kari, "Nora leker sammen med minst ett annet barn i frilek.")
    s.tiltak(kari, g, "Fast voksen støtter Nora inn i lek hver formiddag.", unit="Lia barnehage", responsible=kari)
    s.meeting(kari, 6, ["styrer"], "1. Hvordan går det med Nora\n2. Tiltaket i frilek", "Lia barnehage, møterom 1")
    # Nivå 1 with an overdue evaluation: the «evaluering forfalt» alarm fires for it.
    s = (
        Story(p, k)
        .undring(
            kari, "Lia barnehage", "Elias blir fort sint og slår.", child="Elias Moen", born=_born(5), gender="gutt"
        )
        .level(kari, 1, "Tiltak i barnehagen, foreldrene er enige.")
    )
    g = s.goal(kari, "Elias sier fra med ord når han blir sint.")
    s.tiltak(
        kari,
        g,
        "Følelseskort og faste pauser med en voksen.",
        unit="Lia barnehage",
        responsible=kari,
        started=60,
        evaluate_in=-5,
    )
    # Nivå 1 at the school, evaluated once and continued.
    s = (
        Story(p, k)
        .undring(ola, "Solberg skole", "Sara leverer sjelden lekser og virker trøtt.", child="Sara Lie", born=_born(10))
        .level(ola, 1, "Kontaktlærer følger opp med tiltak i klassen.")
    )
    g = s.goal(ola, "Sara får gjort leksene på skolen to dager i uka.")
    m = s.tiltak(ola, g, "Leksehjelp på SFO tirsdag og torsdag.", unit="Solberg skole", responsible=ola, started=45)
    s.evaluate(ola, m)
    # Nivå 1 at the helsestasjon and in the other barnehage.
    s = (
        Story(p, k)
        .undring(hanne, "Helsestasjonen", "Jonas har gått lite opp i vekt.", child="Jonas Berg", born=_born(1))
        .level(hanne, 1, "Tettere oppfølging på helsestasjonen.")
    )
    g = s.goal(hanne, "Jonas følger vektkurven sin.")
    s.tiltak(hanne, g, "Ekstra veiing og samtale hver 14. dag.", unit="Helsestasjonen", responsible=hanne)
    Story(p, k).undring(
        nina, "Solsikken barnehage", "Ida har sluttet å spise i barnehagen.", child="Ida Strand", born=_born(3)
    ).level(nina, 1, "Vi prøver tiltak i barnehagen først.")
    return 5


def _nivaa2_3(p: People, k: int) -> int:
    kari, ola, eva, per = "barnehagelaerer", "kontaktlaerer", "rektor", "ppt"
    # Nivå 2 with PPT on consent: PPT finds it under «Saker delt med oss», has a tiltak and a meeting.
    s = (
        Story(p, k)
        .undring(kari, "Lia barnehage", "Lukas forstår lite av beskjeder i samling.", child="Lukas Dahl", born=_born(5))
        .level(kari, 2, "Vi trenger PPT med i vurderingen.")
    )
    mor = s.guardian(kari, "Hilde Dahl", "mor", "90000002")
    s.consent(kari, mor, ["PPT Eksempel"], "Vurdering av språk og forståelse sammen med PPT")
    g = s.goal(kari, "Lukas forstår og følger beskjeder i samling.")
    s.tiltak(kari, g, "Bildestøtte i samling og korte beskjeder.", unit="Lia barnehage", responsible=kari)
    s.tiltak(kari, g, "Språkkartlegging og veiledning av personalet.", unit="PPT Eksempel", responsible=per)
    s.meeting(kari, 9, [per], "1. Kartlegging fra PPT\n2. Plan for våren", "Lia barnehage, møterom 2")
    # Nivå 2 at the school with the helsestasjon, its consent about to expire.
    s = (
        Story(p, k)
        .undring(ola, "Solberg skole", "Maja har mye fravær og vondt i magen.", child="Maja Hauge", born=_born(11))
        .level(ola, 2, "Skolehelsetjenesten må med.")
    )
    far = s.guardian(ola, "Per Hauge", "far")
    s.consent(ola, far, ["Helsestasjonen"], "Samarbeid om fravær og helse", since=355, until=10)
    g = s.goal(ola, "Maja er på skolen minst fire dager i uka.")
    s.tiltak(ola, g, "Samtale med helsesykepleier annenhver uke.", unit="Helsestasjonen", other="helsesykepleier")
    # Nivå 2 in the barnehage with a pending handover to the school.
    s = (
        Story(p, k)
        .undring(kari, "Lia barnehage", "Oskar har store overganger og uro.", child="Oskar Vik", born=_born(6))
        .level(kari, 2, "Skolestart nærmer seg, skolen må inn.")
    )
    s.handover(kari, "kontaktlaerer", "Oskar begynner i din klasse i august. Vil du være stafettholder?")
    # Nivå 2 with a proposed transition barnehage → skole (consent for the school given).
    s = (
        Story(p, k)
        .undring(kari, "Lia barnehage", "Emilie har hatt tiltak for språk i to år.", child="Emilie Sand", born=_born(6))
        .level(kari, 2, "Vi fortsetter med PPT fram til skolestart.")
    )
    mor = s.guardian(kari, "Anne Sand", "mor")
    s.consent(kari, mor, ["Solberg skole"], "Overgang fra barnehage til skole")
    s.transition(kari, "Solberg skole", "Emilie begynner på Solberg skole i august.")
    # Nivå 2 that already went through a transition: the school took it over from the barnehage.
    s = (
        Story(p, k)
        .undring(kari, "Lia barnehage", "William trenger støtte i overganger.", child="William Eide", born=_born(6))
        .level(kari, 2, "Skolen må med før skolestart.")
    )
    far = s.guardian(kari, "Tom Eide", "far")
    s.consent(kari, far, ["Solberg skole"], "Overgang fra barnehage til skole")
    transition_id = s.transition(kari, "Solberg skole", "William har begynt i 1. klasse.")
    services.transition_accept(actor=p[ola], case_id=s.id, transition_id=transition_id)
    # Nivå 3 at the school: PPT and the helsestasjon on consent, a melding til barnevernet.
    s = (
        Story(p, k)
        .undring(eva, "Solberg skole", "Adrian har fortalt om slag hjemme.", child="Adrian Holm", born=_born(12))
        .level(eva, 3, "Flere tjenester må samarbeide, og barnevernet er varslet.")
    )
    s.melding(eva)
    mor = s.guardian(eva, "Lene Holm", "mor")
    s.consent(eva, mor, ["PPT Eksempel", "Helsestasjonen"], "Tverrfaglig samarbeid om Adrian")
    g = s.goal(eva, "Adrian har en trygg voksen på skolen hver dag.")
    s.tiltak(eva, g, "Fast samtale med kontaktlærer hver mandag.", unit="Solberg skole", responsible=ola)
    s.meeting(eva, 3, [ola, per, "helsesykepleier"], "1. Status\n2. Fordeling av tiltak", "Solberg skole, rom 12")
    return 6


def _closed(p: People, k: int) -> int:
    kari, ola, nina = "barnehagelaerer", "kontaktlaerer", "barnehagelaerer2"
    Story(p, k).undring(kari, "Lia barnehage", "V. var stille en periode i høst.", label="V.").deling(
        kari, ["foresatte"], "Familien har hatt et dødsfall; barnet har det bedre nå."
    ).close_nivaa0(kari, "Ikke grunn til bekymring etter samtale med foreldrene.")
    Story(p, k).undring(nina, "Solsikken barnehage", "K. var mye borte i september.", label="K.").close_nivaa0(
        nina, "Fraværet skyldtes sykdom, ikke grunn til å gå videre."
    )
    s = (
        Story(p, k)
        .undring(ola, "Solberg skole", "Filip var lei seg etter flytting.", child="Filip Aas", born=_born(8))
        .level(ola, 1, "Tiltak i klassen.")
    )
    g = s.goal(ola, "Filip har en venn i klassen.")
    m = s.tiltak(ola, g, "Faddergruppe i friminuttene.", unit="Solberg skole", responsible=ola, started=90)
    s.evaluate(ola, m)
    s.close(ola, "mal_nadd", "Filip har fått venner og trives. Målet er nådd.")
    s = (
        Story(p, k)
        .undring(kari, "Lia barnehage", "Mia hadde lite språk ved oppstart.", child="Mia Sæther", born=_born(5))
        .level(kari, 2, "PPT og barnehagen samarbeider.")
    )
    s.close(kari, "annen_oppfolging", "Mia følges nå opp i et vedtak om spesialpedagogisk hjelp.")
    return 4


def seed_cases(people: dict[str, Any]) -> int:
    """About twenty cases in «Eksempel kommune», unless it already has cases."""
    kari = people["barnehagelaerer"]
    if Case.objects.filter(kommune_id=kari.kommune_id).exists():
        return 0
    with transaction.atomic():
        k = kari.kommune_id
        return _nivaa0(people, k) + _nivaa1(people, k) + _nivaa2_3(people, k) + _closed(people, k)
