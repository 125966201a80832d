"""The OpenAPI schema says what the API does (issue 20, item 7): every status code an
operation can answer and the body it then carries.

drf-spectacular documents the success responses from each view's ``extend_schema``; the
statuses that come from the shared machinery are added here, once, by a postprocessing
hook, from the same rules that produce them:

* 400 ``Error``: a request body that fails validation (field → messages) or the JSON
  limits of ``bti.middleware.JsonLimitsMiddleware`` (``detail``), on every operation
  that takes a body, and on query-parameter validation;
* 403 ``Error``: no login, no second factor yet (``MfaRequiredMiddleware``), a stale
  step-up (``bti.security.stepup``) or a rule of the policy, on every operation;
* 404 ``Error``: on every operation with a path parameter (missing and forbidden answer
  alike, so ids cannot be probed), and on paginated lists (an unreadable ``cursor``);
* 409 ``Error`` (``code: conflict``): on writes that carry the case's ``version``;
* 415 ``Error``: a body in a media type the operation does not read;
* 429 ``Error``: the per-user and per-address rate limits, on every operation.

``tests/bti/test_api_schemathesis.py`` runs schemathesis against the schema in-process
and fails on a status or body the schema does not describe, and on any 5xx.
"""

from __future__ import annotations

from typing import Any

ERROR = "Error"
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "A refusal. ``detail`` says why in Norwegian; a validation error instead maps each "
        'field to its messages (``{"reason": ["Skriv en begrunnelse."]}``).'
    ),
    "properties": {
        "detail": {"description": "Why the request was refused (string or list of strings)."},
        "code": {"type": "string", "description": "Machine-readable reason, e.g. ``conflict``."},
    },
    "additionalProperties": True,
}
WRITE_METHODS = {"post", "put", "patch", "delete"}
# Operations without a path parameter that still answer 404 (a row looked up by the body
# or the user's own rows). Keyed by operationId prefix.
EXTRA_404: set[str] = set()

REASONS = {
    "400": "Ugyldig forespørsel: feltfeil, eller JSON som er for stor eller nestet for dypt.",
    "403": "Ikke innlogget, tofaktor mangler, ny bekreftelse (step-up) kreves, eller ingen tilgang.",
    "404": "Finnes ikke, eller du har ikke tilgang (samme svar for begge).",
    "409": "Saken er endret av noen andre siden du hentet den (versjon).",
    "415": "Innholdstypen støttes ikke.",
    "429": "For mange forespørsler; prøv igjen om litt.",
}


def _error(code: str) -> dict[str, Any]:
    return {
        "description": REASONS[code],
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR}"}}},
    }


def _has_version(schema: dict[str, Any], operation: dict[str, Any]) -> bool:
    body = (operation.get("requestBody") or {}).get("content", {})
    for media in body.values():
        ref = (media.get("schema") or {}).get("$ref", "")
        component = schema.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], {})
        if "version" in (component.get("properties") or {}):
            return True
    return False


def document_shared_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``)."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR] = ERROR_SCHEMA
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in WRITE_METHODS | {"get"}:
                continue
            responses = operation.setdefault("responses", {})
            codes = ["403", "429", "400"]
            # CursorPagination answers an unreadable ?cursor= with 404.
            paginated = any(p.get("name") == "cursor" for p in operation.get("parameters", []))
            if "{" in path or paginated or operation.get("operationId", "").startswith(tuple(EXTRA_404)):
                codes.append("404")
            if method in WRITE_METHODS:
                codes.append("415")
                if _has_version(result, operation):
                    codes.append("409")
            for code in codes:
                responses.setdefault(code, _error(code))
    return result
