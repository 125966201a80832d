"""Mechanical rewrite for issue 20 item 8 (kept so it can be re-run after a merge):
every ``forms.Form`` becomes ``bti.limits.BoundedForm`` and every DRF ``Serializer`` /
``ModelSerializer`` base becomes ``BoundedSerializer`` / ``BoundedModelSerializer``.
Idempotent. Usage: python scripts/apply_input_limits.py [files...]"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["bti", "cases", "stafettlogg", "consent", "samarbeid", "oversikt", "handlingsveileder"]
RULES = [
    (re.compile(r"\((\s*)forms\.Form\)"), r"(\1BoundedForm)", "BoundedForm"),
    (re.compile(r"\bserializers\.Serializer\[Any\]"), "BoundedSerializer", "BoundedSerializer"),
    (re.compile(r"\(serializers\.Serializer\)"), "(BoundedSerializer)", "BoundedSerializer"),
    (re.compile(r"\bserializers\.ModelSerializer\b"), "BoundedModelSerializer", "BoundedModelSerializer"),
]


def rewrite(path: Path) -> bool:
    text = path.read_text()
    names: set[str] = set()
    new = text
    for pattern, replacement, name in RULES:
        new, count = pattern.subn(replacement, new)
        if count:
            names.add(name)
    if new == text:
        return False
    line = f"from bti.limits import {', '.join(sorted(names))}\n"
    # After the module's own ``from __future__`` and docstring: ruff --fix sorts it.
    marker = "from __future__ import annotations\n"
    new = new.replace(marker, marker + "\n" + line, 1) if marker in new else line + new
    path.write_text(new)
    return True


def main(argv: list[str]) -> None:
    files = [Path(a) for a in argv] or [
        p for app in APPS for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts and p.name != "limits.py"
    ]
    changed = [str(p) for p in files if rewrite(p)]
    if changed:
        subprocess.run([sys.executable, "-m", "ruff", "check", "--fix", "-q", "--select", "I,F401", *changed])  # noqa: S603
        subprocess.run([sys.executable, "-m", "ruff", "format", "-q", *changed])  # noqa: S603
    print("\n".join(changed))


if __name__ == "__main__":
    main(sys.argv[1:])
