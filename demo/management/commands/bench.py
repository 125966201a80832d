from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from bti.models import Kommune
from demo.bench.pages import pick_personas
from demo.bench.runner import run, table

SIZE_NUMBERS = {1000: "8100", 10000: "8200", 100000: "8300"}


class Command(BaseCommand):
    help = "Måler servertid (p50/p95) og antall SQL-spørringer for nøkkelsidene ved 1k, 10k og 100k saker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sizes", default="1000,10000,100000", help="Antall saker, kommaseparert")
        parser.add_argument("--iterations", type=int, default=40)
        parser.add_argument("--pages", default="", help="Bare disse sidene (nøkler), kommaseparert")
        parser.add_argument("--json", default="", help="Skriv resultatet hit (standard bench-results/)")
        parser.add_argument("--load", action="store_true", help="Også lasttest over HTTP (gunicorn + wrk, 50 brukere)")
        parser.add_argument("--load-seconds", type=int, default=15)
        parser.add_argument(
            "--think-ms", type=int, default=3000, help="Betenkningstid per bruker i den blandede lasten (ms)"
        )
        parser.add_argument(
            "--check-queries",
            default="",
            help="JSON-fil med største tillatte antall spørringer per side; feiler ved flere",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sizes = [int(s) for s in options["sizes"].split(",") if s]
        only = {p for p in options["pages"].split(",") if p} or None
        all_results = []
        generation: dict[str, float] = {}
        loads: dict[str, Any] = {}
        for size in sizes:
            number = SIZE_NUMBERS.get(size, f"8{size % 1000:03d}")
            kommune = Kommune.objects.filter(number=number).first()
            if kommune is None:
                self.stdout.write(f"Lager kommune med {size} saker …")
                start = time.perf_counter()
                call_command("seed_scale", children=size * 3 // 2, number=number, stdout=self.stdout)
                generation[str(size)] = time.perf_counter() - start
                kommune = Kommune.objects.get(number=number)
            personas = pick_personas(kommune)
            results = run(personas, size, options["iterations"], only)
            self.stdout.write(f"\n{kommune.name}: {size} saker\n" + table(results))
            all_results += results
            if options["load"]:
                from demo.bench.load import load_test

                load = load_test(personas, seconds=options["load_seconds"], think_ms=options["think_ms"])
                loads[str(size)] = load
                self.stdout.write(
                    f"\nLast over HTTP ({load['connections']} samtidige, {load['seconds']} s per kjøring; «mixed» = "
                    f"{load['connections']} brukere med {load['think_ms']} ms betenkningstid, de andre uten pause):\n"
                    + "\n".join(
                        f"  {name:16} {r['rps']:8.0f} req/s  p50 {r['p50_ms']:6.1f} ms  p95 {r['p95_ms']:6.1f} ms  "
                        f"feil {r['errors_status'] + r['errors_connect'] + r['errors_read'] + r['errors_timeout']}"
                        for name, r in load.items()
                        if isinstance(r, dict)
                    )
                    + f"\n  sakssiden har {load['case_page_share_of_bare_rps'] * 100:.0f} % av den bare visningens req/s"
                )
        out = Path(
            options["json"] or Path(settings.BASE_DIR) / "bench-results" / f"bench-{timezone.now():%Y%m%dT%H%M%S}.json"
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            json.dumps(
                {
                    "when": timezone.now().isoformat(),
                    "machine": {"python": platform.python_version(), "cpu_count": os.cpu_count()},
                    "generation_seconds": generation,
                    "results": [r.as_dict() for r in all_results],
                    "load": loads,
                },
                indent=1,
                ensure_ascii=False,
            )
        )
        self.stdout.write(f"\nJSON: {out}")
        if options["check_queries"]:
            budget = json.loads(Path(options["check_queries"]).read_text())
            over = [
                f"{r.key}: {r.queries} spørringer (grense {budget[r.key]})"
                for r in all_results
                if r.key in budget and r.queries > budget[r.key]
            ]
            missing = [r.key for r in all_results if r.key not in budget]
            if over:
                raise CommandError("Flere SQL-spørringer enn før: " + "; ".join(over))
            if missing:
                self.stdout.write(self.style.WARNING(f"Ingen grense for: {', '.join(missing)}"))
