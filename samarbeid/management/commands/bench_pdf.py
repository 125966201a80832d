"""Time the stafettlogg PDF for a log of N entries (default 200 and 2,000).

    manage.py bench_pdf [--entries 200 2000]

Builds a throwaway case in the demo kommune with N realistic entries (through
``entry_append``, so the hash chain is real), renders the PDF the way the web request
(≤ SYNC_MAX_ENTRIES) or the Celery task (larger) does, prints the timings, and rolls
everything back. Needs ``seed_demo`` first.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from bti.models import User
from cases.services import undring_create
from samarbeid import printing
from stafettlogg.models import EntryKind
from stafettlogg.services import entry_append

TEXT = (
    "Samtale med Emma i garderoben. Hun fortalte at hun hadde lekt med Sara i sandkassa og at det var gøy. "
    "Pedagogisk leder observerte at hun tok initiativ til lek to ganger i løpet av formiddagen. "
    "Avtalt med mor at vi følger opp videre på foreldremøtet neste uke."
)


def _pages(content: bytes) -> str:
    try:
        import io

        from pypdf import PdfReader
    except ImportError:  # pypdf is a dev dependency
        return "?"
    return str(len(PdfReader(io.BytesIO(content)).pages))


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Measure PDF rendering time of a stafettlogg with N entries (rolled back afterwards)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--entries", type=int, nargs="+", default=[200, 2000])

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email="kari.nordmann@eksempel.kommune.no").first()
        if user is None:
            raise CommandError("Kjør «manage.py seed_demo» først.")
        unit = user.memberships.first()
        assert unit is not None
        logging.getLogger("weasyprint").setLevel(logging.WARNING)
        # A web or Celery worker pays WeasyPrint's font set-up once, not per print: warm up.
        from weasyprint import HTML

        HTML(string="<p>varm opp</p>").write_pdf()
        for n in options["entries"]:
            try:
                with transaction.atomic():
                    case = undring_create(
                        actor=user, unit_id=unit.unit_id, observation="Benchmark", anonymous_label="B.M."
                    )
                    start = time.perf_counter()
                    for i in range(n - 1):
                        entry_append(case=case, actor=user, kind=EntryKind.NOTAT, text=f"{i + 1}. {TEXT}")
                    built = time.perf_counter() - start
                    spec = printing.spec_from_params(user=user, case=case, kind="logg", params={})
                    start = time.perf_counter()
                    printing.render_html(spec)
                    html_time = time.perf_counter() - start
                    start, cpu = time.perf_counter(), time.process_time()
                    content = printing.render(spec, user=user)
                    total, cpu = time.perf_counter() - start, time.process_time() - cpu
                    pages = _pages(content)
                    where = "i bakgrunnen (Celery)" if spec.in_background else "i web-forespørselen"
                    self.stdout.write(
                        f"{spec.entry_count} loggføringer: PDF {total:.2f} s (CPU {cpu:.2f} s, HTML {html_time:.2f} s), "
                        f"{pages} sider, {len(content) / 1024:.0f} KiB, lages {where}; oppbygging {built:.1f} s"
                    )
                    raise Rollback
            except Rollback:
                pass
