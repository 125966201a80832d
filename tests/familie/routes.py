"""Sample kwargs for the family portal's routes (tests/routes.py)."""

from __future__ import annotations

from typing import Any


def _theo(personas: dict[str, Any]) -> dict[str, Any]:
    from familie.models import FamilyMember
    from tests.familie.helpers import families

    member = FamilyMember.objects.filter(is_demo=True, demo_label__startswith="Marte").select_related("child").first()
    if member is None:
        return {"case_id": families(personas).theo.pk}
    case = member.child.cases.order_by("pk").first()
    assert case is not None
    return {"case_id": case.pk}


SAMPLE_KWARGS = dict.fromkeys(
    [
        "familie-case",
        "familie-panel",
        "familie-status",
        "familie-address",
        "familie-hold",
        "familie-member",
        "familie-messages",
        "familie-message-reply",
        "familie-read-grant",
        "api-familie-log",
        "api-familie-consents",
        "api-familie-reads",
    ],
    _theo,
)


def _theo_consent(personas: dict[str, Any]) -> dict[str, Any]:
    from consent.models import Consent

    kwargs = _theo(personas)
    consent = Consent.objects.filter(case_id=kwargs["case_id"]).first()
    assert consent is not None
    return {**kwargs, "consent_id": consent.pk}


def _theo_read(personas: dict[str, Any]) -> dict[str, Any]:
    from bti.innsyn import record_access
    from bti.models import AccessLogEntry
    from cases.models import Case

    kwargs = _theo(personas)
    case = Case.objects.get(pk=kwargs["case_id"])
    record_access(user=personas["ppt"], obj_type="case", obj_id=case.pk, case=case, purpose="saksbehandling")
    return {**kwargs, "entry_id": AccessLogEntry.objects.filter(case_id=case.pk).latest("pk").pk}


SAMPLE_KWARGS.update(
    {
        "familie-consent": _theo,
        "familie-reads": _theo,
        "familie-consent-withdraw": _theo_consent,
        "familie-consent-renew": _theo_consent,
        "familie-ask": _theo_read,
    }
)

# Routes not fetched as HTML pages by the whole-site test (with the reason).
NOT_PAGES = {
    "familie-consent-withdraw": "POST only, tested in tests/familie",
    "familie-ask": "POST only, tested in tests/familie",
    "familie-status": "POST only, tested in tests/familie",
    "familie-address": "POST only, tested in tests/familie",
    "familie-hold": "POST only, tested in tests/familie",
    "familie-member": "POST only, tested in tests/familie",
    "familie-message-reply": "POST only, tested in tests/familie/test_messages.py",
    "familie-consent-renew": "POST only, tested in tests/familie/test_messages.py",
    "api-familie-cases": "JSON API, tested in tests/familie/test_api.py",
    "api-familie-log": "JSON API, tested in tests/familie/test_api.py",
    "api-familie-consents": "JSON API, tested in tests/familie/test_api.py",
    "api-familie-reads": "JSON API, tested in tests/familie/test_api.py",
    "familie-read-grant": "POST only, tested in tests/familie/test_messages.py",
}
