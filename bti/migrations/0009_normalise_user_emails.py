"""Stores every user's e-mail address in its one normalised form (issue 20, item 1):
NFKC, trimmed, case folded (``bti.identity.normalise_email``). Login and OpenID Connect
then match by equality. Two rows that become the same address are one person with two
accounts: the migration stops and names their ids, and an administrator merges them."""

from __future__ import annotations

import unicodedata

from django.db import migrations


def _normalise(address: str) -> str:
    # A copy of bti.identity.normalise_email: migrations must not import moving code.
    return unicodedata.normalize("NFKC", address or "").strip().casefold()


def normalise_emails(apps, schema_editor):
    User = apps.get_model("bti", "User")
    rows = list(User.objects.values_list("id", "email"))
    owner: dict[str, int] = {}
    clashes: list[str] = []
    for pk, email in rows:
        target = _normalise(email)
        if target in owner:
            clashes.append(f"{owner[target]} og {pk}")
        owner.setdefault(target, pk)
    if clashes:
        raise RuntimeError(
            "These users have the same e-mail address once normalised; merge or rename one of "
            "each pair before migrating (user ids): " + ", ".join(clashes)
        )
    for pk, email in rows:
        target = _normalise(email)
        if target != email:
            User.objects.filter(pk=pk).update(email=target)


class Migration(migrations.Migration):
    dependencies = [("bti", "0008_korus")]

    operations = [migrations.RunPython(normalise_emails, migrations.RunPython.noop)]
