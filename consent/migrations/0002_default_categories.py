"""The default information categories every kommune has (a kommune may add its own)."""

from typing import Any

from django.db import migrations

DEFAULTS = [
    ("stafettlogg", "Stafettlogg", False, 1),
    ("plan_tiltak", "Plan og tiltak", False, 2),
    ("kartlegging", "Kartlegging", False, 3),
    ("helseopplysninger", "Helseopplysninger", True, 4),
]


def forwards(apps: Any, schema_editor: Any) -> None:
    category = apps.get_model("consent", "InformationCategory")
    for code, name, is_health, sort in DEFAULTS:
        category.objects.get_or_create(
            kommune=None, code=code, defaults={"name": name, "is_health": is_health, "sort": sort}
        )


def backwards(apps: Any, schema_editor: Any) -> None:
    apps.get_model("consent", "InformationCategory").objects.filter(kommune=None).delete()


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
