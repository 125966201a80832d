from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.scale import check_invariants, generate


class Command(BaseCommand):
    help = "Lager en realistisk kommune i stor skala for ytelsesmåling (deterministisk med --seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--children", type=int, required=True, help="Antall barn (saker blir ca. 2/3)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--number", help="Kommunenummer (fire sifre); standard avledes av --children")
        parser.add_argument("--entries-per-case", type=int, default=30)
        parser.add_argument(
            "--access-per-case", type=int, default=100, help="Innsynslogg-rader per sak i snitt (0: ingen)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        ctx = generate(
            children=options["children"],
            seed=options["seed"],
            number=options["number"],
            entries_per_case=options["entries_per_case"],
            access_per_case=options["access_per_case"],
        )
        total = time.perf_counter() - start
        for name, count in ctx.counts.items():
            self.stdout.write(f"  {name:24} {count:>12,}".replace(",", " "))
        for name, seconds in ctx.timings.items():
            self.stdout.write(f"  {name:24} {seconds:>10.1f} s")
        problems = check_invariants(ctx.kommune.pk)
        if any(problems.values()):
            raise CommandError(f"Invariant brutt: {problems}")
        self.stdout.write(self.style.SUCCESS(f"{ctx.kommune} ferdig på {total:.1f} s"))
