"""A published version is immutable: refused by the services and by database triggers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction

from handlingsveileder import services
from handlingsveileder.models import GuideVersion, Step, Tool, VersionStatus

REFUSED = (InternalError, ProgrammingError, IntegrityError)


def _published(guide):
    return services.effective_version(guide)


@pytest.mark.django_db
def test_it_refuses_raw_sql_updates_of_a_published_step(personas, barnehage_guide):
    step = _published(barnehage_guide).steps.first()
    with pytest.raises(REFUSED), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE handlingsveileder_step SET title = 'Hacket' WHERE id = %s", [step.pk])
    step.refresh_from_db()
    assert step.title != "Hacket"


@pytest.mark.django_db
def test_it_refuses_deleting_or_adding_steps_and_tools_of_a_published_version(personas, barnehage_guide):
    version = _published(barnehage_guide)
    step = version.steps.first()
    with pytest.raises(REFUSED), transaction.atomic():
        Step.objects.filter(pk=step.pk).delete()
    with pytest.raises(REFUSED), transaction.atomic():
        Step.objects.create(kommune_id=version.kommune_id, version=version, level=0, position=99, title="Ny")
    with pytest.raises(REFUSED), transaction.atomic():
        Tool.objects.create(kommune_id=version.kommune_id, step=step, title="Lenke", url="https://example.org")
    with pytest.raises(REFUSED), transaction.atomic():
        GuideVersion.objects.filter(pk=version.pk).delete()
    with pytest.raises(REFUSED), transaction.atomic():
        GuideVersion.objects.filter(pk=version.pk).update(note="Endret i ettertid")


@pytest.mark.django_db
def test_it_lets_a_published_version_be_retired_but_not_brought_back(personas, barnehage_guide):
    version = _published(barnehage_guide)
    GuideVersion.objects.filter(pk=version.pk).update(status=VersionStatus.RETIRED)
    with pytest.raises(REFUSED), transaction.atomic():
        GuideVersion.objects.filter(pk=version.pk).update(status=VersionStatus.PUBLISHED)


@pytest.mark.django_db
def test_it_refuses_editing_a_published_version_in_the_services(personas, barnehage_guide):
    version = _published(barnehage_guide)
    step = version.steps.first()
    with pytest.raises(ValidationError) as exc:
        services.step_save(actor=personas["sysadmin"], version_id=version.pk, step_id=step.pk, title="Nytt navn")
    assert "publisert og kan ikke endres" in str(exc.value)
    step.refresh_from_db()
    assert step.title != "Nytt navn"


@pytest.mark.django_db
def test_it_lets_a_draft_be_edited_freely(personas, barnehage_guide):
    draft = services.draft_create(actor=personas["fagadmin"], guide_id=barnehage_guide.pk)
    step = draft.steps.get(level=0, position=1)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE handlingsveileder_step SET title = 'Ok' WHERE id = %s", [step.pk])
    step.refresh_from_db()
    assert step.title == "Ok"
