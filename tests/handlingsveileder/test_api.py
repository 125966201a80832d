"""The API reads guides and versions and a case's step progress, with the same rules as the HTML."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from handlingsveileder import services
from tests.cases.helpers import undring


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_it_lists_guides_and_versions_of_the_users_kommune(personas, barnehage_guide):
    data = _api(personas["barnehagelaerer"]).get("/api/v1/handlingsveiledere/").json()
    assert "Handlingsveileder – Barnehage" in [g["name"] for g in data]
    detail = _api(personas["barnehagelaerer"]).get(f"/api/v1/handlingsveiledere/{barnehage_guide.pk}/").json()
    version = (
        _api(personas["barnehagelaerer"])
        .get(f"/api/v1/handlingsveileder-versjoner/{detail['effective_version_id']}/")
        .json()
    )
    assert next(s["title"] for s in version["steps"] if s["level"] == 0) == "Undring"
    assert _api(personas["utenforstaaende"]).get(f"/api/v1/handlingsveiledere/{barnehage_guide.pk}/").status_code == 404


@pytest.mark.django_db
def test_it_reads_and_changes_step_progress_on_a_case(personas, barnehage_guide):
    case = undring(personas)
    client = _api(personas["barnehagelaerer"])
    panel = client.get(f"/api/v1/saker/{case.pk}/trinn/").json()
    first = panel["steps"][0]
    assert first["is_current"] and first["status"] == ""
    done = client.post(
        f"/api/v1/saker/{case.pk}/trinn/{first['step_id']}/", {"action": "done", "checked": [0]}, format="json"
    )
    assert done.status_code == 200 and done.json()["steps"][0]["status"] == "done"
    bad = client.post(
        f"/api/v1/saker/{case.pk}/trinn/{panel['steps'][1]['step_id']}/", {"action": "skip"}, format="json"
    )
    assert bad.status_code == 400 and "reason" in bad.json()
    other = _api(personas["kontaktlaerer"])
    assert other.get(f"/api/v1/saker/{case.pk}/trinn/").status_code == 404
    assert (
        other.post(f"/api/v1/saker/{case.pk}/trinn/{first['step_id']}/", {"action": "done"}, format="json").status_code
        == 404
    )
    assert services.attach_guide(case=case).version_id == panel["version_id"]
