"""The three kinds of handlingsveileder: a template per kind, given to each service by setup."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from bti.models import Service, ServiceCategory
from handlingsveileder import kinds, services
from handlingsveileder.models import GuideVersion, Handlingsveileder, Step, VersionStatus


@pytest.mark.django_db
def test_it_gives_every_demo_service_a_filled_guide_of_its_kind(personas):
    for service in Service.objects.filter(kommune=personas["barnehagelaerer"].kommune):
        guide = Handlingsveileder.objects.get(service=service)
        version = services.published_version(guide)
        assert version is not None and version.guide == guide, service.name
        assert guide.category == service.category
        assert version.steps.filter(level=0).count() == 4 and version.steps.filter(level=3).count() == 5
        assert Step.objects.filter(version=version, tools__isnull=False).exists()
    nav = Handlingsveileder.objects.get(service__kind="nav", kommune=personas["barnehagelaerer"].kommune)
    nav_version = services.published_version(nav)
    assert nav_version is not None
    nav_text = " ".join(nav_version.steps.values_list("what", flat=True))
    tools = " ".join(t.lower() for t in nav_version.steps.values_list("tools__title", flat=True) if t)
    assert "barna" in nav_text and "barn som pårørende" in tools


def test_it_writes_tools_and_action_codes_suited_to_each_kind():
    basis, hjelpe, voksen = (kinds.template_for(c) for c in ServiceCategory.values)
    titles = {
        name: [t["title"] for lvl in tpl.values() for s in lvl for t in s.get("tools", [])]
        for name, tpl in (("basis", basis), ("hjelpe", hjelpe), ("voksen", voksen))
    }
    assert any("Snakke med barn" in t for t in titles["basis"])
    assert any("Statped" in t for t in titles["hjelpe"])
    assert any("pårørende" in t for t in titles["voksen"])
    for tpl in (basis, hjelpe, voksen):
        assert [s.get("completed_by_actions") for s in tpl[0]] == [None, ["konkretisering"], ["deling"], ["beslutning"]]
        for level in (1, 2, 3):
            assert [s.get("completed_by_actions") for s in tpl[level]] == [
                None,
                ["mal"],
                ["tiltak_startet"],
                ["evaluering"],
                ["nivabeslutning"],
            ]
        for lvl in tpl.values():
            for step in lvl:
                for tool in step.get("tools", []):
                    assert tool["url"].startswith("https://")


@pytest.mark.django_db
def test_setup_leaves_a_guide_the_kommune_has_worked_on_alone(personas):
    guide = Handlingsveileder.objects.get(kommune=personas["fagadmin"].kommune, service__name="Barnehage")
    draft = services.draft_create(actor=personas["fagadmin"], guide_id=guide.pk)
    services.version_publish(actor=personas["fagadmin"], version_id=draft.pk, note="Vår egen")
    before = GuideVersion.objects.count()
    call_command("handlingsveileder_setup", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert GuideVersion.objects.count() == before
    assert services.published_version(guide).note == "Vår egen"  # type: ignore[union-attr]
    assert GuideVersion.objects.filter(guide=guide, status=VersionStatus.RETIRED).count() == 1


@pytest.mark.django_db
def test_a_new_service_gets_the_template_of_its_kind(personas, login):
    kommune = personas["fagadmin"].kommune
    service = Service.objects.create(
        kommune=kommune, kind="psykisk_helse", category="voksen", name="Rus og psykisk helse"
    )
    call_command("handlingsveileder_setup", stdout=open("/dev/null", "w"))  # noqa: SIM115
    guide = Handlingsveileder.objects.get(service=service)
    version = services.published_version(guide)
    assert version is not None and "voksentjenestene" in version.note
    body = login(personas["barnehagelaerer"]).get(reverse("hv-guide", kwargs={"guide_id": guide.pk})).content.decode()
    assert "Spør alltid om personen har barn" in body and "Pårørendeveilederen" in body
