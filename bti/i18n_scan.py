"""Find user-facing text in templates that is not marked for translation.

The guard test (tests/bti/test_i18n.py) and `scripts/untranslated.py --templates` use it.
A template's text nodes (outside `{% translate %}`/`{% blocktranslate %}`) and its
user-facing attributes (aria-label, title, placeholder, alt, an input button's value) must not
hold words: everything a reader sees goes through gettext. Product names, codes and
punctuation are allowed (ALLOWED below), and so is an element marked ``translate="no"``
(HTML's own attribute: a file format's column names, which stay as written).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.template.base import Lexer, TokenType

# Words that are the same in every language: the product's and the model's names, units.
ALLOWED = {
    "BTI-samhandling",
    "BTI",
    "BTI-koordinator",
    "KoRus",
    "BankID",
    "ID-porten",
    "Entra",
    "Entra ID",
    "API",
    "PDF",
    "CSV",
    "XLSX",
    "JSON",
    "OK",
    "ID",
    "TOTP",
    "e-post",
}
_ATTR = re.compile(r"""\b(aria-label|title|placeholder|alt|aria-description)\s*=\s*(["'])(.*?)\2""", re.S)
_TAG = re.compile(r"<[^>]*>", re.S)
_SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
_NO_TRANSLATE = re.compile(r"""<(\w+)\b[^>]*\btranslate=["']no["'][^>]*>.*?</\1>""", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_WORD = re.compile(r"[A-Za-zÆØÅæøåÉéÜü]{2,}")
_ENTITY = re.compile(r"&[a-zA-Z]+;|&#\d+;")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def _words(text: str) -> str:
    text = _ENTITY.sub(" ", text).strip()
    if not text or text in ALLOWED:
        return ""
    rest = text
    for allowed in sorted(ALLOWED, key=len, reverse=True):
        rest = rest.replace(allowed, " ")
    return text if _WORD.search(rest) else ""


def scan_template(source: str, path: str = "") -> list[Finding]:
    """The unmarked words of one template's source, with their line numbers."""
    findings: list[Finding] = []
    depth = 0  # inside {% blocktranslate %}, {% comment %} or {% verbatim %}
    # Text of the template outside tags, with variables and tags replaced by a marker,
    # so that an attribute's value or a text node split by a variable is judged as a whole.
    chunks: list[tuple[int, str]] = []
    for token in Lexer(source).tokenize():
        kind, content = token.token_type, token.contents
        if kind == TokenType.BLOCK:
            name = content.split()[0] if content.split() else ""
            if name in {"blocktranslate", "blocktrans", "comment", "verbatim"}:
                depth += 1
            elif name in {"endblocktranslate", "endblocktrans", "endcomment", "endverbatim"}:
                depth -= 1
            chunks.append((token.lineno or 0, "\x00"))
        elif kind == TokenType.VAR:
            chunks.append((token.lineno or 0, "\x00"))
        elif kind == TokenType.TEXT and depth == 0:
            chunks.append((token.lineno or 0, content))
        else:
            chunks.append((token.lineno or 0, "\x00"))
    line_of: list[int] = []
    text = ""
    for lineno, chunk in chunks:
        line = lineno
        for char in chunk:
            line_of.append(line)
            line += char == "\n"
        text += chunk
    text_wo = _COMMENT.sub(lambda m: " " * len(m.group(0)), text)
    text_wo = _SCRIPT_STYLE.sub(lambda m: " " * len(m.group(0)), text_wo)
    # HTML's own marker for text that stays as written (file formats' column names, codes).
    text_wo = _NO_TRANSLATE.sub(lambda m: " " * len(m.group(0)), text_wo)
    for match in _ATTR.finditer(text_wo):
        for part in match.group(3).split("\x00"):
            if _words(part):
                findings.append(Finding(path, line_of[match.start()], part.strip()))
    for match in re.finditer(r"<input\b[^>]*>", text_wo, re.S):
        if re.search(r"""type=["'](submit|button|reset)["']""", match.group(0)):
            value = re.search(r"""\bvalue\s*=\s*(["'])(.*?)\1""", match.group(0), re.S)
            if value:
                for part in value.group(2).split("\x00"):
                    if _words(part):
                        findings.append(Finding(path, line_of[match.start()], part.strip()))
    stripped = _TAG.sub(lambda m: " " * len(m.group(0)), text_wo)
    for match in re.finditer(r"[^\x00]+", stripped):
        words = _words(match.group(0))
        if words:
            offset = match.start() + (len(match.group(0)) - len(match.group(0).lstrip()))
            findings.append(Finding(path, line_of[offset], " ".join(words.split())))
    return findings


def template_files(base: Path) -> list[Path]:
    skip = {"node_modules", ".venv", "staticfiles", ".git", "tests"}
    return sorted(
        p for p in base.rglob("*.html") if not skip.intersection(p.relative_to(base).parts) and "templates" in p.parts
    )


def scan(base: Path) -> list[Finding]:
    findings: list[Finding] = []
    for path in template_files(base):
        findings += scan_template(path.read_text(encoding="utf-8"), str(path.relative_to(base)))
    return findings
