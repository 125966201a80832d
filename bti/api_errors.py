"""API errors as ``{"detail": ...}`` in Norwegian; model validation errors become 400."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from bti.errors import CaseGone, ConflictError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, CaseGone):
        return Response({"detail": exc.message, "code": "slettet"}, status=410)
    if isinstance(exc, ConflictError):
        return Response({"detail": exc.messages[0], "code": "conflict"}, status=409)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    if isinstance(exc, exceptions.PermissionDenied | exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        from bti.security import audit
        from bti.security.models import SecurityEventKind

        request = context.get("request")
        audit.record(
            SecurityEventKind.ACCESS_DENIED,
            request=getattr(request, "_request", request),
            detail={"status": getattr(exc, "status_code", 403), "api": True},
        )
    return drf_exception_handler(exc, context)
