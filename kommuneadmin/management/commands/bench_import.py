"""Times the staff import on a generated HR export: the preview of a new file (every row
new), the apply, and the preview of the same file again (every row unchanged). Runs in a
transaction that is rolled back, on a throwaway kommune: safe on any database.

    manage.py bench_import --rows 2000
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from bti.models import Kommune, KommuneRole, KommuneRoleKind, User
from kommuneadmin.services import imports


class Rollback(Exception):
    pass


def generated_csv(rows: int, *, per_unit: int = 25) -> str:
    lines = ["Ansattnummer;Fornavn;Etternavn;E-post;Stilling;Tjeneste;Tjenestetype;Enhet;Rolle;Fra;Til"]
    kinds = [("Barnehage", "barnehage"), ("Skole", "skole"), ("Helsestasjon", "helsestasjon"), ("PPT", "ppt")]
    for i in range(rows):
        service, kind = kinds[(i // per_unit) % len(kinds)]
        unit = f"{service} {i // per_unit + 1}"
        role = "leder" if i % per_unit == 0 else "ansatt"
        lines.append(
            f"{i};Person;Nummer {i};person.{i}@bench.kommune.no;Ansatt;{service};{kind};{unit};{role};01.08.2025;"
        )
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Måler import av enheter og ansatte (forhåndsvisning og import) på en generert fil."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        rows = int(options["rows"])
        text = generated_csv(rows)
        results: dict[str, float] = {}
        try:
            with transaction.atomic():
                kommune = Kommune.objects.create(name="Benchmark kommune", number="9990")
                admin = User.objects.create_user(
                    "bench.admin@bench.kommune.no", full_name="Bench Admin", kommune=kommune
                )
                KommuneRole.objects.create(kommune=kommune, user=admin, role=KommuneRoleKind.ADMINISTRATOR)
                started = time.perf_counter()
                staff_import, plan = imports.import_upload(actor=admin, file_name="bench.csv", raw=text.encode())
                results["preview_new"] = time.perf_counter() - started
                assert not plan.problems, plan.problems[:3]
                started = time.perf_counter()
                imports.import_apply(actor=admin, import_id=staff_import.pk, digest=plan.digest)
                results["apply"] = time.perf_counter() - started
                started = time.perf_counter()
                again = imports.build_plan(kommune.pk, text)
                results["preview_unchanged"] = time.perf_counter() - started
                assert not again.changes and again.unchanged == rows
                raise Rollback
        except Rollback:
            pass
        self.stdout.write(f"rows: {rows}")
        for name, seconds in results.items():
            self.stdout.write(f"{name}: {seconds:.2f} s ({1000 * seconds / rows:.2f} ms/row)")
