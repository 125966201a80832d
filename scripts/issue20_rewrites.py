"""Mechanical rewrites of issue 20 (items 8 and 10), kept so the lead can re-run them
cheaply after a merge. Each is idempotent; run them in this order:

    python scripts/issue20_rewrites.py limits       # item 8
    python scripts/issue20_rewrites.py requests     # item 10
    python scripts/issue20_rewrites.py drop-unused  # item 10; repeat until it prints nothing

* ``limits``: every ``forms.Form`` base becomes ``bti.limits.BoundedForm``, every DRF
  ``Serializer`` / ``ModelSerializer`` base ``BoundedSerializer`` / ``BoundedModelSerializer``.
* ``requests``: ``request.user`` and ``request.htmx`` on a line that needed a
  ``# type: ignore`` become ``current_user(request)`` and ``is_htmx(request)``
  (``bti/http.py``) and the ignore goes; in views, APIs and ``web.py``, ``user =
  request.user`` (or ``user: Any = …``) becomes ``user = current_user(request)``.
* ``drop-unused``: runs mypy (``warn_unused_ignores = true``) and removes every ignore it
  reports as unused.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "bti",
    "cases",
    "stafettlogg",
    "consent",
    "samarbeid",
    "oversikt",
    "handlingsveileder",
    "undersokelse",
    "implementering",
]
SKIP = {"limits.py", "http.py"}
RULES = [
    (re.compile(r"\((\s*)forms\.Form\)"), r"(\1BoundedForm)", "BoundedForm"),
    (re.compile(r"\bserializers\.Serializer\[Any\]"), "BoundedSerializer", "BoundedSerializer"),
    (re.compile(r"\(serializers\.Serializer\)"), "(BoundedSerializer)", "BoundedSerializer"),
    (re.compile(r"\bserializers\.ModelSerializer\b"), "BoundedModelSerializer", "BoundedModelSerializer"),
]


IGNORE = re.compile(r"\s*# type: ignore\[[a-z-]+(?:, *[a-z-]+)*\]")
USER = re.compile(r"(?<![\w.])request\.user\b")
HTMX = re.compile(r"(?<![\w.])request\.htmx\b")
ASSIGN = re.compile(r"^(\s*)user(?:: Any)? = (self\.)?request\.user$")
VIEW_MODULES = ("views.py", "api.py", "web.py")


def rewrite_limits(path: Path) -> bool:
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


def rewrite_requests(path: Path) -> bool:
    lines = path.read_text().splitlines(keepends=True)
    names: set[str] = set()
    changed = False
    for i, line in enumerate(lines):
        assigned = ASSIGN.match(line.rstrip("\n")) if path.name in VIEW_MODULES else None
        if assigned:
            indent, on_self = assigned.group(1), assigned.group(2) or ""
            lines[i] = f"{indent}user = current_user({on_self}request)\n"
            names.add("current_user")
            changed = True
            continue
        if "# type: ignore" not in line or not (USER.search(line) or HTMX.search(line)):
            continue
        new = USER.sub("current_user(request)", line)
        new = HTMX.sub("is_htmx(request)", new)
        if "current_user(request)" in new and "current_user(request)" not in line:
            names.add("current_user")
        if "is_htmx(request)" in new and "is_htmx(request)" not in line:
            names.add("is_htmx")
        new = IGNORE.sub("", new.rstrip("\n")) + "\n"
        if new != line:
            lines[i] = new
            changed = True
    if not changed:
        return False
    text = "".join(lines)
    marker = "from __future__ import annotations\n"
    imports = f"from bti.http import {', '.join(sorted(names))}\n" if names else ""
    text = text.replace(marker, marker + "\n" + imports, 1) if marker in text else imports + text
    path.write_text(text)
    return True


def drop_unused() -> list[str]:
    """Remove each ``# type: ignore`` that mypy reports as unused."""
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "."], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout
    hits = re.findall(r'^(\S+?\.py):(\d+): error: Unused "type: ignore', out, re.MULTILINE)
    done = []
    for file, line in hits:
        path = ROOT / file
        lines = path.read_text().splitlines(keepends=True)
        index = int(line) - 1
        lines[index] = re.sub(r"\s*# type: ignore(\[[^\]]*\])?", "", lines[index].rstrip("\n"), count=1) + "\n"
        path.write_text("".join(lines))
        done.append(f"{file}:{line}")
    return done


def _apply(rewrite: Callable[[Path], bool]) -> list[str]:
    files = [
        p for app in APPS for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts and p.name not in SKIP
    ]
    changed = [str(p) for p in files if rewrite(p)]
    if changed:
        subprocess.run([sys.executable, "-m", "ruff", "check", "--fix", "-q", "--select", "I,F401", *changed])  # noqa: S603
        subprocess.run([sys.executable, "-m", "ruff", "format", "-q", *changed])  # noqa: S603
    return changed


def main(argv: list[str]) -> None:
    command = argv[0] if argv else ""
    if command == "limits":
        print("\n".join(_apply(rewrite_limits)))
    elif command == "requests":
        print("\n".join(_apply(rewrite_requests)))
    elif command == "drop-unused":
        print("\n".join(drop_unused()))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
