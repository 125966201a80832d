"""Uploaded files: check type by content (magic bytes) and size, store outside the web
root, serve only through a view that has asked the access policy.

Use in another app::

    from bti.security.uploads import protected_storage, protected_file_response, validate_upload

    class Attachment(models.Model):
        kommune = ...
        case = models.ForeignKey("cases.Case", ...)
        file = models.FileField(storage=protected_storage, upload_to="vedlegg/%Y/%m/")

    # form: file = forms.FileField(validators=[validate_upload])
    # view (object_policy): case = access_case(request.user, case_id)
    #       attachment = case.attachments.get(pk=...)
    #       return protected_file_response(attachment.file, attachment.original_name)

Nothing under PROTECTED_MEDIA_ROOT has a URL: ``protected_storage.url`` raises.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject
from django.utils.translation import gettext as _

# kind -> (magic prefixes, extensions, content type)
KINDS: dict[str, tuple[tuple[bytes, ...], tuple[str, ...], str]] = {
    "pdf": ((b"%PDF-",), (".pdf",), "application/pdf"),
    "png": ((b"\x89PNG\r\n\x1a\n",), (".png",), "image/png"),
    "jpeg": ((b"\xff\xd8\xff",), (".jpg", ".jpeg"), "image/jpeg"),
}
DEFAULT_KINDS = ("pdf", "png", "jpeg")


def detect_kind(head: bytes) -> str | None:
    for kind, (magics, _ext, _ctype) in KINDS.items():
        if any(head.startswith(magic) for magic in magics):
            return kind
    return None


@deconstructible
class UploadValidator:
    """Refuses a file that is too big, empty, not one of ``kinds`` by its content, or
    whose name claims another type than the content."""

    def __init__(self, kinds: tuple[str, ...] = DEFAULT_KINDS, max_bytes: int | None = None) -> None:
        self.kinds = tuple(kinds)
        self.max_bytes = max_bytes

    def __call__(self, upload: Any) -> None:
        limit = self.max_bytes or settings.UPLOAD_MAX_BYTES
        size = getattr(upload, "size", None) or 0
        if size > limit:
            raise ValidationError(
                _("Filen er for stor. Største tillatte størrelse er %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
                code="too_big",
            )
        if size == 0:
            raise ValidationError(_("Filen er tom."), code="empty")
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        kind = detect_kind(head)
        allowed = ", ".join(k.upper() for k in self.kinds)
        if kind not in self.kinds:
            raise ValidationError(
                _("Filtypen er ikke tillatt. Last opp en fil av typen %(kinds)s.") % {"kinds": allowed},
                code="bad_type",
            )
        name = str(getattr(upload, "name", "")).lower()
        if not name.endswith(KINDS[kind][1]):
            raise ValidationError(
                _("Filnavnet passer ikke med innholdet i filen. Last opp en fil av typen %(kinds)s.")
                % {"kinds": allowed},
                code="mislabelled",
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UploadValidator) and (self.kinds, self.max_bytes) == (other.kinds, other.max_bytes)


validate_upload = UploadValidator()


class ProtectedStorage(FileSystemStorage):
    """File storage outside the web root, without public URLs."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("location", settings.PROTECTED_MEDIA_ROOT)
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**kwargs)

    def url(self, name: str | None) -> str:
        raise ValueError("Protected files have no URL: serve them through a view that checks bti.policy")


class _LazyProtectedStorage(LazyObject):
    def _setup(self) -> None:
        self._wrapped = ProtectedStorage()


protected_storage: Any = _LazyProtectedStorage()


def protected_file_response(file: Any, download_name: str) -> FileResponse:
    """Stream a stored file as a download. Call only after the access policy said yes."""
    content_type = mimetypes.guess_type(download_name)[0] or "application/octet-stream"
    file.open("rb")
    response = FileResponse(file, as_attachment=True, filename=download_name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
