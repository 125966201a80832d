"""The API does what its OpenAPI schema says (issue 20, item 7): schemathesis generates
requests for every operation from /api/schema/ and checks, in-process against the WSGI
app, that no answer is a server error and that every status, content type and body is
one the schema documents.

Bounded: ``SCHEMATHESIS_EXAMPLES`` examples per operation and way of aiming (default 12;
about a minute on the CI machine, two when it is busy). Requests are authenticated as two
personas (a case worker with a case and a kommune leader) with a session that has a
recent login, so the run reaches the views behind the access rules, not only the 403s."""

from __future__ import annotations

import os
import time
from typing import Any
from unittest import mock

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))
# Invalid data too with SCHEMATHESIS_NEGATIVE=1 (about twice as long; run it before a release).
MODES = [schemathesis.GenerationMode.POSITIVE] + (
    [schemathesis.GenerationMode.NEGATIVE] if os.environ.get("SCHEMATHESIS_NEGATIVE") == "1" else []
)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


def _schema() -> Any:
    from drf_spectacular.generators import SchemaGenerator

    from bti.wsgi import application

    loaded = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    loaded.app = application
    return loaded


def _session_cookie(user: Any) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user, backend="bti.auth_backends.EmailBackend")
    session = client.session
    session["auth_at"] = time.time()  # a recent login: step-up routes answer, too
    session.save()
    return client.cookies["bti_session"].value


def _survey_ids(personas: dict[str, Any]) -> dict[str, Any]:
    """A closed survey round with results (and one open for Lia barnehage, which the case
    worker answers), the implementation plan and a feedback (issue 19)."""
    from implementering import services as impl
    from tests.undersokelse.helpers import closed_round, open_round

    closed = closed_round(personas, title="Schemathesis")
    lia = open_round(personas, ["Lia barnehage"], title="Schemathesis åpen")
    feedback, _code = impl.feedback_send(
        actor=personas["barnehagelaerer"], recipient="koordinator", text="Schemathesis", anonymous=True
    )
    project = impl.project_for(personas["barnehagelaerer"].kommune_id)
    return {
        "round_id": closed.pk,
        "answer_round_id": lia.pk,
        "kommune_id": personas["barnehagelaerer"].kommune_id,
        "item_id": project.items.values_list("pk", flat=True).first(),
        "feedback_id": str(feedback.pk),
    }


def _persona_for(path: str) -> str:
    """The leader aggregates as the kommunalsjef; the survey (but answering) and the
    implementation support as the BTI-koordinator; the rest as the case worker."""
    if "oversikt" in path:
        return "kommunalsjef"
    if "/svar/" in path and "undersokelse" in path:
        return "barnehagelaerer"
    if "undersokelse" in path or "innforing" in path:
        return "bti_koordinator"
    return "barnehagelaerer"


@pytest.fixture
def api_world(personas: dict[str, Any]) -> Any:
    """Real rows to aim at (a case with a plan, a meeting, a consent, an anonym drøfting, a
    finished PDF), sessions with a recent login for a case worker and a kommune leader,
    a CSRF secret in cookie and header as the browser's JavaScript sends it, and no
    throttling (it has its own test)."""
    from handlingsveileder.models import Handlingsveileder
    from samarbeid.models import PdfJob
    from stafettlogg.models import Entry
    from tests.consent.helpers import case_in_state
    from tests.samarbeid.helpers import plan_case

    built = plan_case(personas)
    consented = case_in_state(personas, "valid")
    case = built["case"]
    guide = Handlingsveileder.objects.filter(kommune=case.kommune).first()
    job = PdfJob.objects.create(
        kommune_id=case.kommune_id, case=case, requested_by=personas["barnehagelaerer"], kind="logg"
    )
    ids = {
        "case_id": case.pk,
        "child_id": consented.case.child_id,
        "measure_id": built["measure"].pk,
        "meeting_id": built["meeting"].pk,
        "entry_id": Entry.objects.filter(case=case).order_by("seq").values_list("pk", flat=True).first(),
        "consent_id": consented.consent.pk,
        "drofting_id": consented.drofting.pk if consented.drofting else 1,
        "guide_id": guide.pk if guide else 1,
        "version_id": getattr(guide.versions.first() if guide else None, "pk", 1),
        "job_id": job.pk,
        **_survey_ids(personas),
    }
    # Not through settings.REST_FRAMEWORK: views imported meanwhile would keep the override.
    no_throttle = mock.patch("rest_framework.throttling.SimpleRateThrottle.allow_request", return_value=True)
    no_throttle.start()
    # The raw WSGI app would close the test's connection after each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    csrf = "s" * 32
    cookies = {
        key: {"bti_session": _session_cookie(personas[key]), "csrftoken": csrf}
        for key in ("barnehagelaerer", "kommunalsjef", "bti_koordinator")
    }
    yield {"ids": ids, "cookies": cookies}
    no_throttle.stop()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _runner(strategy: Any, cookies: dict[str, str], statuses: dict[int, int]) -> Any:
    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        case.cookies = {**(case.cookies or {}), **cookies}
        response = case.call_and_validate(headers={"X-CSRFToken": cookies["csrftoken"]}, checks=CHECKS)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    return run


@pytest.mark.django_db
def test_the_api_answers_as_its_schema_says(api_world: dict[str, Any]) -> None:
    failures: list[str] = []
    statuses: dict[int, int] = {}
    operations = 0
    for result in _schema().get_all_operations():
        operation = result.ok()
        operations += 1
        cookies = api_world["cookies"][_persona_for(operation.path)]
        names = [p.name for p in operation.path_parameters]
        ids = dict(api_world["ids"])
        if "/svar/" in operation.path and "undersokelse" in operation.path:
            ids["round_id"] = ids["answer_round_id"]
        aimed = {name: ids[name] for name in names if name in ids}
        # Valid and invalid data, once at whatever ids are generated and once at real rows
        # (past the 404).
        strategies = [operation.as_strategy(generation_mode=mode) for mode in MODES]
        if aimed:
            strategies += [operation.as_strategy(generation_mode=mode, path_parameters=aimed) for mode in MODES]
        for strategy in strategies:
            try:
                _runner(strategy, cookies, statuses)()
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # schemathesis raises exception groups: collect, report all
                if "Unable to satisfy assumptions" in str(exc):
                    continue  # negative mode: nothing in this operation can be made invalid
                failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:3000])
    assert operations > 40
    print("schemathesis statuses:", dict(sorted(statuses.items())))
    assert not failures, "\n\n".join(failures)
    assert statuses.get(200, 0) + statuses.get(201, 0) > operations, "the run must get past the access rules"
