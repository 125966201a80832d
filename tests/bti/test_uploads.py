"""The upload validator (type by magic bytes, size) and the protected storage."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from bti.security.uploads import ProtectedStorage, UploadValidator, protected_file_response, validate_upload

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_it_accepts_a_pdf_and_a_png():
    validate_upload(SimpleUploadedFile("vedtak.pdf", PDF))
    validate_upload(SimpleUploadedFile("bilde.PNG", PNG))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("skript.pdf", b"<script>alert(1)</script>", "Filtypen er ikke tillatt"),
        ("vedtak.exe", b"MZ\x90\x00" + b"\x00" * 20, "Filtypen er ikke tillatt"),
        ("bilde.png", PDF, "Filnavnet passer ikke"),
        ("tom.pdf", b"", "Filen er tom"),
    ],
)
def test_it_refuses_wrong_or_mislabelled_files(name, content, message):
    with pytest.raises(ValidationError, match=message):
        validate_upload(SimpleUploadedFile(name, content))


def test_it_refuses_an_oversized_file():
    with pytest.raises(ValidationError, match="for stor"):
        UploadValidator(max_bytes=1024 * 1024)(SimpleUploadedFile("stor.pdf", PDF + b"0" * (1024 * 1024)))


def test_it_stores_outside_the_web_root_without_urls(tmp_path, settings):
    settings.PROTECTED_MEDIA_ROOT = tmp_path
    storage = ProtectedStorage(location=tmp_path)
    name = storage.save("vedlegg/vedtak.pdf", ContentFile(PDF))
    assert (tmp_path / name).exists()
    assert oct((tmp_path / name).stat().st_mode)[-3:] == "600"
    assert not str(tmp_path).startswith(str(settings.STATIC_ROOT))
    with pytest.raises(ValueError, match="no URL"):
        storage.url(name)
    response = protected_file_response(storage.open(name), "vedtak.pdf")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF  # type: ignore[arg-type]
