"""How an arkivmelding reaches the kommune's archive (docs/adr/0025): one interface, two
transports, chosen by ``settings.ARKIV_TRANSPORT``.

- ``filedrop``: the message and its PDF/A files into a folder the archive picks up from
  (``ARKIV_FILEDROP_DIR``), as a zip (``ARKIV_FILEDROP_ZIP``, the default) or a folder per
  message. Written under a temporary name and renamed, so the archive never sees half a
  message. The archive acknowledges by putting its kvittering next to it
  (``<name>.kvittering.xml``); ``poll`` reads it.
- ``fiks``: an HTTP POST of the zip to ``ARKIV_FIKS_URL`` (the kommune's Fiks Arkiv
  endpoint or an adapter in front of it), answered synchronously with an
  ``arkivmeldingKvittering``. Tested against a local stand-in that validates the message.

``send`` returns a ``Result``: sent (with a reference), and the kvittering when the archive
answered with one. A transport raises ``TransportError`` for anything that should be retried.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import requests
from django.conf import settings

from arkiv.arkivmelding import MESSAGE_TYPE, Package

MESSAGE_NAME = "arkivmelding.xml"


class TransportError(Exception):
    """The archive did not take the message (unreachable, refused, answered with an error)."""


@dataclass(frozen=True)
class Result:
    reference: str
    kvittering: bytes | None = None


class Transport(Protocol):
    name: str

    def send(self, package: Package, *, delivery_id: int) -> Result: ...

    def poll(self, reference: str) -> bytes | None:
        """The archive's kvittering for a message sent earlier, if it has come."""
        ...


def package_zip(package: Package) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MESSAGE_NAME, package.xml)
        for name, content in package.files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


class FileDropTransport:
    name = "filedrop"

    def __init__(self, directory: str | os.PathLike[str], *, as_zip: bool = True) -> None:
        self.directory = Path(directory)
        self.as_zip = as_zip

    def send(self, package: Package, *, delivery_id: int) -> Result:
        stem = f"arkivmelding-sak-{package.case_id}-{delivery_id}"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            if self.as_zip:
                target = self.directory / f"{stem}.zip"
                tmp = self.directory / f".{stem}.zip.tmp"
                tmp.write_bytes(package_zip(package))
                tmp.replace(target)
            else:
                target = self.directory / stem
                tmp = self.directory / f".{stem}.tmp"
                tmp.mkdir(exist_ok=True)
                (tmp / MESSAGE_NAME).write_bytes(package.xml)
                for name, content in package.files.items():
                    (tmp / name).write_bytes(content)
                if target.exists():
                    for old in target.iterdir():
                        old.unlink()
                    target.rmdir()
                tmp.rename(target)
        except OSError as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc
        return Result(reference=target.name)

    def poll(self, reference: str) -> bytes | None:
        receipt = self.directory / f"{reference}.kvittering.xml"
        try:
            return receipt.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise TransportError(str(exc)) from exc


class FiksArkivTransport:
    name = "fiks"

    def __init__(self, url: str, *, timeout: float = 30.0) -> None:
        self.url = url
        self.timeout = timeout

    def send(self, package: Package, *, delivery_id: int) -> Result:
        if not self.url:
            raise TransportError("ARKIV_FIKS_URL er ikke satt")
        try:
            response = requests.post(
                self.url,
                data=package_zip(package),
                headers={
                    "Content-Type": "application/zip",
                    "X-Fiks-Meldingstype": MESSAGE_TYPE,
                    "X-Fiks-Melding-Id": f"bti-{package.case_id}-{delivery_id}",
                },
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 300:
            raise TransportError(f"HTTP {response.status_code}: {response.text[:500]}")
        return Result(reference=f"bti-{package.case_id}-{delivery_id}", kvittering=response.content)

    def poll(self, reference: str) -> bytes | None:
        return None  # the kvittering comes back in the answer to the POST


def configured() -> Transport:
    kind = getattr(settings, "ARKIV_TRANSPORT", "filedrop")
    if kind == "fiks":
        return FiksArkivTransport(
            getattr(settings, "ARKIV_FIKS_URL", ""), timeout=float(getattr(settings, "ARKIV_FIKS_TIMEOUT", 30))
        )
    directory = getattr(settings, "ARKIV_FILEDROP_DIR", "") or Path(settings.BASE_DIR) / ".data" / "arkiv-ut"
    return FileDropTransport(directory, as_zip=bool(getattr(settings, "ARKIV_FILEDROP_ZIP", True)))
