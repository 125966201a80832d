"""The case flow through its service functions: who may, who may not, and what is logged."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone

from bti.errors import ConflictError
from bti.policy import cases_visible_to
from cases import services
from cases.models import Case, CaseStatus, Child
from stafettlogg import services as log_services
from stafettlogg.models import Entry, HandoverStatus, Stafettholder
from tests.cases.helpers import VALID_FNR, case_on_level, consent_for_unit, handover_to_school, undring, unit

pytestmark = pytest.mark.django_db


def kinds(case: Case) -> list[str]:
    return list(Entry.objects.filter(case=case).order_by("seq").values_list("kind", flat=True))


def test_it_registers_an_anonymous_undring_on_niva_0_with_a_deadline(personas):
    case = undring(personas)
    assert (case.level, case.status, case.child_id, case.anonymous_label) == (0, "open", None, "A.B.")
    assert case.decision_deadline is not None
    assert (case.decision_deadline - timezone.localdate(case.opened_at)).days == 14
    assert kinds(case) == ["undring"]


def test_it_refuses_an_undring_in_a_unit_the_user_does_not_work_in(personas):
    with pytest.raises(ValidationError) as err:
        services.undring_create(
            actor=personas["barnehagelaerer"], unit_id=unit("Solberg skole").pk, observation="x", anonymous_label="A"
        )
    assert "unit" in err.value.message_dict


def test_it_refuses_an_invalid_fnr(personas):
    with pytest.raises(ValidationError) as err:
        services.undring_create(
            actor=personas["barnehagelaerer"],
            unit_id=unit("Lia barnehage").pk,
            observation="x",
            child_name="Emma",
            fnr="01010750161",
        )
    assert "ikke gyldig" in err.value.message_dict["fnr"][0]


def test_it_registers_a_child_once_per_kommune(personas):
    first = undring(personas, anonymous=False)
    second = undring(personas, anonymous=False, who="barnehagelaerer2", unit_name="Solsikken barnehage")
    assert first.child_id == second.child_id
    assert Child.objects.count() == 1


def test_it_requires_identity_before_leaving_niva_0(personas):
    case = undring(personas)
    with pytest.raises(ValidationError) as err:
        services.case_change_level(actor=personas["barnehagelaerer"], case_id=case.pk, to_level=2, reason="Bekymring")
    assert "identifiseres" in err.value.message_dict["to_level"][0]
    services.case_identify(actor=personas["barnehagelaerer"], case_id=case.pk, full_name="Emma E", fnr=VALID_FNR)
    case = services.case_change_level(
        actor=personas["barnehagelaerer"], case_id=case.pk, to_level=2, reason="Bekymring"
    )
    assert case.level == 2
    holder = Stafettholder.objects.get(case=case, status=HandoverStatus.ACTIVE)
    assert holder.user == personas["barnehagelaerer"]
    assert kinds(case) == ["undring", "identifisering", "beslutning", "stafettholder"]


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        (0, 1, True),
        (0, 2, True),
        (0, 3, True),
        (1, 2, True),
        (2, 1, True),
        (2, 3, True),
        (3, 2, True),
        (1, 3, False),
        (3, 1, False),
        (1, 1, False),
        (2, 2, False),
        (1, 0, False),
        (2, 0, False),
        (3, 0, False),
        (0, 4, False),
    ],
)
def test_it_follows_the_transition_table(personas, start, to, allowed):
    case = undring(personas, anonymous=False)
    actor = personas["barnehagelaerer"]
    path = {0: [], 1: [1], 2: [2], 3: [3]}[start]
    for level in path:
        case = services.case_change_level(actor=actor, case_id=case.pk, to_level=level, reason="opp")
    if allowed:
        case = services.case_change_level(actor=actor, case_id=case.pk, to_level=to, reason="videre")
        assert case.level == to
    else:
        with pytest.raises(ValidationError):
            services.case_change_level(actor=actor, case_id=case.pk, to_level=to, reason="videre")


def test_it_requires_a_reason_for_every_move(personas):
    case = undring(personas, anonymous=False)
    for call in (
        lambda: services.case_change_level(actor=personas["barnehagelaerer"], case_id=case.pk, to_level=1, reason=" "),
        lambda: services.case_close(actor=personas["barnehagelaerer"], case_id=case.pk, reason=""),
    ):
        with pytest.raises(ValidationError) as err:
            call()
        assert "begrunnelse" in err.value.message_dict["reason"][0]


def test_it_closes_and_reopens_with_reasons(personas):
    case = case_on_level(personas, 1)
    case = services.case_close(actor=personas["barnehagelaerer"], case_id=case.pk, reason="Målene er nådd")
    assert case.status == CaseStatus.CLOSED
    assert not Stafettholder.objects.filter(case=case, status=HandoverStatus.ACTIVE).exists()
    with pytest.raises(Http404):
        services.case_change_level(actor=personas["barnehagelaerer"], case_id=case.pk, to_level=2, reason="x")
    case = services.case_reopen(actor=personas["barnehagelaerer"], case_id=case.pk, reason="Ny bekymring")
    assert case.status == CaseStatus.OPEN and case.level == 1
    assert Stafettholder.objects.filter(case=case, status=HandoverStatus.ACTIVE).count() == 1
    assert kinds(case)[-3:] == ["avslutning", "gjenapning", "stafettholder"]


def test_it_closes_niva_0_with_no_reason_to_go_on(personas):
    case = undring(personas)
    case = services.case_close(actor=personas["barnehagelaerer"], case_id=case.pk, reason="Ikke grunn til å gå videre")
    assert case.status == CaseStatus.CLOSED


def test_it_hands_over_only_on_acceptance(personas):
    case = case_on_level(personas, 2)
    log_services.handover_propose(
        actor=personas["barnehagelaerer"], case_id=case.pk, to_user_id=personas["kontaktlaerer"].pk
    )
    # Until acceptance the old holder keeps the role.
    assert Stafettholder.objects.get(case=case, status="active").user == personas["barnehagelaerer"]
    # The proposed person can see the case to decide; nobody else can accept.
    assert case in cases_visible_to(personas["kontaktlaerer"])
    with pytest.raises(ValidationError):
        log_services.handover_accept(actor=personas["styrer"], case_id=case.pk)
    with pytest.raises(Http404):
        log_services.handover_accept(actor=personas["ppt"], case_id=case.pk)
    # Acceptance needs a basis for the receiving unit (issue 13 item 4).
    with pytest.raises(ValidationError, match="har ikke samtykke"):
        log_services.handover_accept(actor=personas["kontaktlaerer"], case_id=case.pk)
    consent_for_unit(personas, case)
    log_services.handover_accept(actor=personas["kontaktlaerer"], case_id=case.pk)
    holder = Stafettholder.objects.get(case=case, status="active")
    assert (holder.user, holder.unit.name) == (personas["kontaktlaerer"], "Solberg skole")
    assert Stafettholder.objects.get(case=case, user=personas["barnehagelaerer"]).status == "ended"
    events = [e.data.get("event") for e in Entry.objects.filter(case=case, kind="stafettholder").order_by("seq")]
    assert events == ["started", "proposed", "accepted"]


def test_it_records_a_declined_handover(personas):
    case = case_on_level(personas, 2)
    log_services.handover_propose(
        actor=personas["barnehagelaerer"], case_id=case.pk, to_user_id=personas["kontaktlaerer"].pk
    )
    with pytest.raises(ValidationError):
        log_services.handover_decline(actor=personas["kontaktlaerer"], case_id=case.pk, reason="")
    log_services.handover_decline(actor=personas["kontaktlaerer"], case_id=case.pk, reason="Har ikke kapasitet")
    assert Stafettholder.objects.get(case=case, status="active").user == personas["barnehagelaerer"]
    assert case not in cases_visible_to(personas["kontaktlaerer"])


def test_only_the_holder_or_a_leader_proposes_a_handover(personas):
    case = case_on_level(personas, 2)
    handover_to_school(personas, case)
    with pytest.raises(Http404):
        log_services.handover_propose(actor=personas["barnehagelaerer"], case_id=case.pk, to_user_id=personas["ppt"].pk)
    log_services.handover_propose(actor=personas["styrer"], case_id=case.pk, to_user_id=personas["barnehagelaerer"].pk)


def test_it_refuses_a_stale_version(personas):
    case = undring(personas, anonymous=False)
    stale = case.version
    services.case_change_level(
        actor=personas["barnehagelaerer"], case_id=case.pk, to_level=1, reason="a", expected_version=stale
    )
    with pytest.raises(ConflictError):
        services.case_change_level(
            actor=personas["styrer"], case_id=case.pk, to_level=2, reason="b", expected_version=stale
        )
    assert Case.objects.get(pk=case.pk).level == 1


def test_the_database_allows_at_most_one_active_stafettholder(personas):
    case = case_on_level(personas, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stafettholder.objects.create(
            kommune_id=case.kommune_id,
            case=case,
            user=personas["styrer"],
            unit=unit("Lia barnehage"),
            status="active",
            proposed_by=personas["styrer"],
        )


def test_the_database_requires_a_stafettholder_from_niva_1(personas):
    case = case_on_level(personas, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stafettholder.objects.filter(case=case).update(status="ended")
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_a_case_without_identity_cannot_be_above_niva_0_in_the_database(personas):
    case = undring(personas)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(level=2)


def test_an_existing_fnr_with_another_name_links_the_child_but_shows_the_typed_name(personas):
    """Issue 20: the refusal «annet navn» was itself an fnr oracle. The fnr is the child;
    the new case shows the name its own people typed, never the other case's."""
    first = undring(personas, anonymous=False)
    other = services.undring_create(
        actor=personas["barnehagelaerer2"],
        unit_id=unit("Solsikken barnehage").pk,
        observation="x",
        child_name="Noen Annen",
        fnr=VALID_FNR,
    )
    assert other.child_id == first.child_id and other.display_name == "Noen Annen"
    assert first.display_name == "Emma Eksempel"
    same = services.undring_create(
        actor=personas["barnehagelaerer2"],
        unit_id=unit("Solsikken barnehage").pk,
        observation="x",
        child_name="  emma  eksempel ",
        fnr=VALID_FNR,
    )
    assert same.child_id == first.child_id
    assert Child.objects.count() == 1
