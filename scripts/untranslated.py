"""List what is left to translate: untranslated and fuzzy entries of locale/nn and locale/en,
entries whose placeholders differ from the source, and template text not marked for
translation. Exit status 1 when anything is listed (`make messages`, `make untranslated`).

    python scripts/untranslated.py            # everything
    python scripts/untranslated.py --po-only  # only the catalogues
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--po-only", action="store_true", help="skip the template scan")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bti.settings")
    import django

    django.setup()
    from bti import i18n_catalogues, i18n_scan

    problems = 0
    for language in i18n_catalogues.LANGUAGES:
        report = i18n_catalogues.check(language)
        print(
            f"{language}: {report.translated} translated, {len(report.untranslated)} untranslated, "
            f"{len(report.fuzzy)} fuzzy, {len(report.bad_placeholders)} with wrong placeholders"
        )
        for title, entries in (
            ("untranslated", report.untranslated),
            ("fuzzy", report.fuzzy),
            ("placeholders differ", report.bad_placeholders),
        ):
            for entry in entries:
                problems += 1
                print(f"  [{title}] {entry}")
    if not args.po_only:
        findings = i18n_scan.scan(ROOT)
        print(f"templates: {len(findings)} text(s) not marked for translation")
        for finding in findings:
            problems += 1
            print(f"  {finding}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
