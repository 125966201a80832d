"""After the e2e suite, no child name or fødselsnummer is in any request line (issue 13 item 6).

Runs last in tests/e2e (file name order). The request lines are what the web server's
access log records; the browser tests collect them (``conftest.ACCESS_LOG``). The names are
the demo kommune's children (``samarbeid/demo.py``) and the ones the browser tests type.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote_plus

from tests.e2e.conftest import ACCESS_LOG

ROOT = Path(__file__).resolve().parents[2]
TYPED = ["Emma", "Emil Hansen", "Eksempel"]  # typed into forms by the browser tests
FNR = re.compile(r"(?<!\d)\d{6}\s?\d{5}(?!\d)")


def demo_child_names() -> list[str]:
    source = (ROOT / "samarbeid" / "demo.py").read_text(encoding="utf-8")
    return sorted(set(re.findall(r'child="([^"]+)"', source)))


def leaks(lines: list[str]) -> list[str]:
    parts = sorted({part for name in [*demo_child_names(), *TYPED] for part in name.split()})
    word = re.compile(r"\b(" + "|".join(map(re.escape, parts)) + r")\b")
    return [line for line in lines if FNR.search(unquote_plus(line)) or word.search(unquote_plus(line))]


def test_the_demo_names_are_known():
    names = demo_child_names()
    assert "Nora Bakken" in names and len(names) >= 10


def test_the_grep_finds_a_name_and_an_fnr():
    assert leaks(["GET http://x/sok/?q=Nora", "GET http://x/a/?fnr=01010750160", "GET http://x/saker/12/"]) == [
        "GET http://x/sok/?q=Nora",
        "GET http://x/a/?fnr=01010750160",
    ]


def test_no_child_name_or_fnr_in_the_access_log():
    assert not leaks(ACCESS_LOG), "\n".join(leaks(ACCESS_LOG)[:20])
