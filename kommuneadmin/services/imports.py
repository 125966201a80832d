"""Import of units and staff from a CSV in the shape of an HR or Active Directory export
(docs/kommuneadmin-import.md, example in docs/kommuneadmin-import-eksempel.csv).

One row is one person's membership in one unit. ``build_plan`` compares the file with
the kommune as it is now and returns what would change and every problem row; nothing is
written. ``import_apply`` builds the plan again from the stored file, refuses it if it
has a problem or differs from the preview the administrator saw (its digest), and then
applies all of it in one transaction, or nothing. The same file applied twice changes
nothing the second time (idempotent): rows already true are «uendret».
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from bti.identity import normalise_email
from bti.models import Membership, MembershipRole, ServiceKind, Unit, User
from bti.models import Service as BtiService
from kommuneadmin.models import ImportStatus, StaffImport
from kommuneadmin.services.common import admin_kommune, record_change, scoped
from kommuneadmin.services.staff import queue_invitation, sync_guide_editor

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000

# Column -> the header names it is known by (compared without case, spaces, - and _).
COLUMNS: dict[str, tuple[str, ...]] = {
    "email": ("epost", "epostadresse", "email", "mail", "userprincipalname", "upn"),
    "name": ("navn", "fulltnavn", "displayname", "visningsnavn"),
    "given_name": ("fornavn", "givenname"),
    "surname": ("etternavn", "surname", "sn"),
    "title": ("stilling", "stillingstittel", "title", "jobtitle"),
    "unit": ("enhet", "avdeling", "arbeidssted", "department"),
    "service": ("tjeneste", "tjenesteomrade", "tjenesteområde"),
    "service_kind": ("tjenestetype",),
    "role": ("rolle", "role"),
    "valid_from": ("fra", "fradato", "startdato", "gyldigfra"),
    "valid_until": ("til", "tildato", "sluttdato", "gyldigtil"),
    # Read and not used: the HR system's own key for the person.
    "employee_number": ("ansattnummer", "ansattnr", "employeeid"),
}
COLUMN_LABELS = {
    "email": "E-post",
    "name": "Navn",
    "given_name": "Fornavn",
    "surname": "Etternavn",
    "title": "Stilling",
    "unit": "Enhet",
    "service": "Tjeneste",
    "service_kind": "Tjenestetype",
    "role": "Rolle",
    "valid_from": "Fra",
    "valid_until": "Til",
    "employee_number": "Ansattnummer",
}
ROLES = {"ansatt": MembershipRole.ANSATT, "leder": MembershipRole.LEDER, "fagadministrator": MembershipRole.FAGADMIN}
ROLES["fagadmin"] = MembershipRole.FAGADMIN


def _key(header: str) -> str:
    return re.sub(r"[\s_\-]", "", header.strip().lower())


HEADER_INDEX = {_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases}


def _kind_of(text: str) -> str | None:
    wanted = text.strip().lower()
    for value, label in ServiceKind.choices:
        if wanted in {value, str(label).lower()}:
            return str(value)
    return None


@dataclass
class Problem:
    row: int  # the line in the file (1 is the header)
    column: str
    message: str


@dataclass
class Change:
    kind: str  # service, unit, user, user_update, membership, membership_update
    row: int
    text: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    rows: int = 0
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unchanged: int = 0

    @property
    def digest(self) -> str:
        payload = [(c.kind, c.data) for c in self.changes]
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    @property
    def summary(self) -> dict[str, int]:
        kinds = ("service", "unit", "user", "user_update", "membership", "membership_update")
        return {"rows": self.rows, "unchanged": self.unchanged, **{k: self.count(k) for k in kinds}}


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252: what Excel saves in Norway."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _date(text: str) -> date | None:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _reader(text: str) -> Any:
    """A reader with the delimiter of the header line: semicolon (Norwegian Excel), comma or tab."""
    first = text[:4096].splitlines()[0] if text.strip() else ""
    try:
        delimiter = csv.Sniffer().sniff(first, delimiters=";,\t").delimiter
    except csv.Error:
        delimiter = ";"
    return csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"')


@dataclass
class _Seen:
    row: int
    name: str
    title: str


def build_plan(kommune_id: int, text: str) -> Plan:
    """What importing ``text`` would change in the kommune now, and every problem row."""
    plan = Plan()
    if not text.strip():
        plan.problems.append(Problem(1, "", _("Filen er tom.")))
        return plan
    rows = _reader(text)
    try:
        header = next(rows)
    except (StopIteration, csv.Error):
        plan.problems.append(Problem(1, "", _("Filen kunne ikke leses som CSV.")))
        return plan
    columns: list[str | None] = []
    unknown = []
    for name in header:
        column = HEADER_INDEX.get(_key(name))
        if column is None and name.strip():
            unknown.append(name.strip())
        if column is not None and column in columns:
            plan.problems.append(Problem(1, name, _("Kolonnen «%(name)s» står to ganger.") % {"name": name.strip()}))
        columns.append(column)
    if unknown:
        plan.problems.append(
            Problem(
                1,
                ", ".join(unknown),
                _("Ukjente kolonner: %(cols)s. Kjente kolonner er %(known)s.")
                % {"cols": ", ".join(f"«{u}»" for u in unknown), "known": ", ".join(COLUMN_LABELS.values())},
            )
        )
    missing = [COLUMN_LABELS[c] for c in ("email", "unit") if c not in columns]
    if "name" not in columns and not {"given_name", "surname"} <= set(columns):
        missing.append(COLUMN_LABELS["name"])
    if missing:
        plan.problems.append(
            Problem(1, "", _("Filen mangler kolonnene %(cols)s.") % {"cols": ", ".join(f"«{m}»" for m in missing)})
        )
    if plan.problems:
        return plan

    services = {s.name.lower(): s for s in BtiService.objects.filter(kommune_id=kommune_id)}
    units = {u.name.lower(): u for u in Unit.objects.filter(kommune_id=kommune_id).select_related("service")}
    new_services: dict[str, tuple[str, int]] = {}  # lower name -> (kind, row)
    new_units: dict[str, tuple[str, str, int]] = {}  # lower name -> (name, service lower name, row)
    people: dict[str, _Seen] = {}
    seen_memberships: dict[tuple[str, str, str], int] = {}
    users = {normalise_email(u.email): u for u in User.objects.filter(kommune_id=kommune_id)}
    memberships = {(m.user_id, m.unit_id, m.role): m for m in Membership.objects.filter(kommune_id=kommune_id)}
    today = timezone.localdate()
    lines = list(rows)
    elsewhere = _addresses_elsewhere(kommune_id, columns, lines, known=set(users))

    for line, values in enumerate(lines, start=2):
        if plan.rows >= MAX_ROWS:
            plan.problems.append(Problem(line, "", _("Filen har mer enn %(n)s rader. Del den opp.") % {"n": MAX_ROWS}))
            break
        if not any(v.strip() for v in values):
            continue
        plan.rows += 1
        cell = {c: values[i].strip() if i < len(values) else "" for i, c in enumerate(columns) if c}
        if len(values) > len(columns):
            plan.problems.append(Problem(line, "", _("Raden har flere felt enn overskriften.")))
            continue
        problems_before = len(plan.problems)

        def problem(column: str, message: str, _line: int = line) -> None:
            plan.problems.append(Problem(_line, COLUMN_LABELS.get(column, column), message))

        address = normalise_email(cell.get("email", ""))
        try:
            validate_email(address)
        except ValidationError:
            problem("email", _("«%(v)s» er ikke en gyldig e-postadresse.") % {"v": cell.get("email", "")})
        name = cell.get("name") or " ".join(p for p in (cell.get("given_name", ""), cell.get("surname", "")) if p)
        name = " ".join(name.split())
        if not name:
            problem("name", _("Navnet mangler."))
        title = cell.get("title", "")
        role_text = (cell.get("role") or "ansatt").lower()
        role = ROLES.get(role_text)
        if role is None:
            problem(
                "role", _("Ukjent rolle «%(v)s». Bruk ansatt, leder eller fagadministrator.") % {"v": cell.get("role")}
            )
        try:
            valid_from = _date(cell["valid_from"]) if cell.get("valid_from") else None
        except ValueError:
            valid_from = None
            problem(
                "valid_from",
                _("«%(v)s» er ikke en dato (skriv 2026-08-01 eller 01.08.2026).") % {"v": cell["valid_from"]},
            )
        try:
            valid_until = _date(cell["valid_until"]) if cell.get("valid_until") else None
        except ValueError:
            valid_until = None
            problem(
                "valid_until",
                _("«%(v)s» er ikke en dato (skriv 2026-08-01 eller 01.08.2026).") % {"v": cell["valid_until"]},
            )
        if valid_from and valid_until and valid_until < valid_from:
            problem("valid_until", _("Tilknytningen slutter (%(u)s) før den begynner (%(f)s).") % {
                "u": valid_until.strftime("%d.%m.%Y"), "f": valid_from.strftime("%d.%m.%Y")
            })  # fmt: skip

        unit_name = " ".join(cell.get("unit", "").split())
        service_name = " ".join(cell.get("service", "").split())
        unit = units.get(unit_name.lower())
        if not unit_name:
            problem("unit", _("Enheten mangler."))
        elif unit is not None:
            if not unit.is_active:
                problem("unit", _("Enheten «%(u)s» er stengt. Bruk enheten som har tatt over.") % {"u": unit.name})
            elif service_name and unit.service.name.lower() != service_name.lower():
                problem(
                    "service",
                    _("Enheten «%(u)s» hører til tjenesten «%(s)s», ikke «%(f)s».")
                    % {"u": unit.name, "s": unit.service.name, "f": service_name},
                )
        elif unit_name.lower() in new_units:
            first = new_units[unit_name.lower()]
            if service_name and service_name.lower() != first[1]:
                problem(
                    "service",
                    _("Enheten «%(u)s» har en annen tjeneste på rad %(r)s.") % {"u": unit_name, "r": first[2]},
                )
        else:
            if not service_name:
                problem("service", _("Enheten «%(u)s» finnes ikke: oppgi tjenesten den hører til.") % {"u": unit_name})
            elif service_name.lower() not in services and service_name.lower() not in new_services:
                kind = _kind_of(cell.get("service_kind", ""))
                if kind is None:
                    problem(
                        "service_kind",
                        _("Tjenesten «%(s)s» finnes ikke: oppgi tjenestetypen (for eksempel barnehage, skole, ppt).")
                        % {"s": service_name},
                    )
                else:
                    new_services[service_name.lower()] = (kind, line)
                    plan.changes.append(
                        Change(
                            "service",
                            line,
                            _("Ny tjeneste «%(s)s» (%(k)s)") % {"s": service_name, "k": ServiceKind(kind).label},
                            {"name": service_name, "kind": kind},
                        )
                    )
            if service_name and (service_name.lower() in services or service_name.lower() in new_services):
                new_units[unit_name.lower()] = (unit_name, service_name.lower(), line)
                service_label = (
                    services[service_name.lower()].name if service_name.lower() in services else service_name
                )
                plan.changes.append(
                    Change(
                        "unit",
                        line,
                        _("Ny enhet «%(u)s» under %(s)s") % {"u": unit_name, "s": service_label},
                        {"name": unit_name, "service": service_label},
                    )
                )

        existing = users.get(address)
        if address and existing is None and len(plan.problems) == problems_before and address in elsewhere:
            problem("email", _("E-postadressen er i bruk utenfor kommunen og kan ikke brukes her."))
        if existing is not None and (existing.is_staff or existing.is_superuser):
            problem("email", _("E-postadressen er i bruk utenfor kommunen og kan ikke brukes her."))
        elif existing is not None and not existing.is_active:
            problem(
                "email",
                _("%(n)s er deaktivert. Aktiver personen først, eller fjern raden.") % {"n": existing.full_name},
            )
        seen = people.get(address)
        if seen is not None and name and (seen.name != name or (title and seen.title and seen.title != title)):
            problem(
                "name",
                _("Samme e-post som rad %(r)s, men med et annet navn eller en annen stilling.") % {"r": seen.row},
            )
        key = (address, unit_name.lower(), str(role))
        if key in seen_memberships:
            problem("email", _("Samme person, enhet og rolle som rad %(r)s.") % {"r": seen_memberships[key]})
        if len(plan.problems) > problems_before:
            continue
        seen_memberships[key] = line

        if seen is None:
            people[address] = _Seen(line, name, title)
            if existing is None:
                plan.changes.append(
                    Change("user", line, _("Ny person %(n)s <%(e)s>") % {"n": name, "e": address},
                           {"email": address, "name": name, "title": title})
                )  # fmt: skip
            elif existing.full_name != name or (title and existing.title != title):
                plan.changes.append(
                    Change(
                        "user_update",
                        line,
                        _("%(e)s: navn/stilling «%(old)s» → «%(new)s»")
                        % {"e": address, "old": f"{existing.full_name}, {existing.title}".strip(", "),
                           "new": f"{name}, {title or existing.title}".strip(", ")},
                        {"email": address, "name": name, "title": title or existing.title},
                    )
                )  # fmt: skip
        current = None
        if existing is not None and unit is not None:
            current = memberships.get((existing.pk, unit.pk, str(role)))
        label = {"e": address, "u": unit.name if unit else unit_name, "r": str(ROLES_LABEL[str(role)])}
        if current is None:
            start = valid_from or today
            plan.changes.append(
                Change(
                    "membership",
                    line,
                    _("%(e)s blir %(r)s i %(u)s") % label + _period_text(start, valid_until),
                    {"email": address, "unit": label["u"], "role": role, "from": start, "until": valid_until},
                )
            )
        else:
            start = valid_from or current.valid_from
            if (start, valid_until) != (current.valid_from, current.valid_until):
                plan.changes.append(
                    Change(
                        "membership_update",
                        line,
                        _("%(e)s som %(r)s i %(u)s: ") % label
                        + _period_text(current.valid_from, current.valid_until).strip()
                        + " → "
                        + _period_text(start, valid_until).strip(),
                        {"email": address, "unit": label["u"], "role": role, "from": start, "until": valid_until},
                    )
                )
            else:
                plan.unchanged += 1
    if plan.rows == 0 and not plan.problems:
        plan.problems.append(Problem(2, "", _("Filen har ingen rader under overskriften.")))
    return plan


ROLES_LABEL = {str(v): label.lower() for v, label in MembershipRole.choices}


def _addresses_elsewhere(
    kommune_id: int, columns: list[str | None], lines: list[list[str]], *, known: set[str]
) -> set[str]:
    """The file's new addresses that a user outside the kommune already has: one query
    for the whole file (compared as ``normalise_email``, the column is unique on lower())."""
    if "email" not in columns:
        return set()
    index = columns.index("email")
    wanted = {normalise_email(v[index]) for v in lines if index < len(v)} - known - {""}
    if not wanted:
        return set()
    found = User.objects.annotate(lower=Lower("email")).filter(lower__in=wanted).values_list("email", flat=True)
    return {normalise_email(email) for email in found} & wanted


def _period_text(start: date, until: date | None) -> str:
    if until is None:
        return _(" fra %(f)s") % {"f": start.strftime("%d.%m.%Y")}
    return _(" fra %(f)s til %(u)s") % {"f": start.strftime("%d.%m.%Y"), "u": until.strftime("%d.%m.%Y")}


def read_upload(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise ValidationError({"file": _("Filen er større enn 5 MB. Del den opp.")})
    if b"\x00" in raw[:4096]:
        raise ValidationError(
            {"file": _("Filen er ikke en CSV-fil (er den lagret som Excel?). Lagre som CSV og prøv igjen.")}
        )
    return decode(raw)


@transaction.atomic
def import_upload(
    *, actor: User, file_name: str, raw: bytes, send_invitations: bool = False, request: HttpRequest | None = None
) -> tuple[StaffImport, Plan]:
    """Keep the file and build its preview. Nothing of the kommune changes."""
    kommune_id = admin_kommune(actor)
    text = read_upload(raw)
    plan = build_plan(kommune_id, text)
    staff_import = StaffImport.objects.create(
        kommune_id=kommune_id,
        uploaded_by=actor,
        file_name=file_name[:200],
        content=text,
        digest=plan.digest,
        send_invitations=send_invitations,
        summary=plan.summary,
    )
    return staff_import, plan


def import_preview(*, actor: User, import_id: Any) -> tuple[StaffImport, Plan]:
    """The stored file's plan against the kommune as it is now."""
    kommune_id = admin_kommune(actor)
    staff_import = scoped(StaffImport.objects.all(), kommune_id, import_id)
    if staff_import.status != ImportStatus.PREVIEW:
        return staff_import, Plan()
    return staff_import, build_plan(kommune_id, staff_import.content)


@transaction.atomic
def import_apply(*, actor: User, import_id: Any, digest: str, request: HttpRequest | None = None) -> Plan:
    """Apply the whole file, or nothing: refused while a row has a problem, and when the
    kommune changed after the preview (the plan's digest differs from the one shown)."""
    kommune_id = admin_kommune(actor)
    staff_import = scoped(StaffImport.objects.select_for_update(), kommune_id, import_id)
    if staff_import.status != ImportStatus.PREVIEW:
        raise ValidationError({"__all__": _("Denne importen er allerede tatt i bruk.")})
    plan = build_plan(kommune_id, staff_import.content)
    if plan.problems:
        raise ValidationError({"__all__": _("Filen har rader med feil. Rett dem og last opp filen på nytt.")})
    if plan.digest != digest:
        raise ValidationError(
            {
                "__all__": _(
                    "Noe er endret siden forhåndsvisningen. Se over den nye forhåndsvisningen før du importerer."
                )
            }
        )
    created_users = _execute(actor, kommune_id, plan)
    staff_import.status = ImportStatus.APPLIED
    staff_import.applied_at = timezone.now()
    staff_import.summary = plan.summary
    staff_import.content = ""
    staff_import.save(update_fields=["status", "applied_at", "summary", "content"])
    record_change(
        actor=actor,
        action="import_applied",
        obj="staff_import",
        obj_id=staff_import.pk,
        after=plan.summary,
        request=request,
        file_name=staff_import.file_name,
        changes=[{"row": c.row, "kind": c.kind, **_jsonable(c.data)} for c in plan.changes],
    )
    if staff_import.send_invitations:
        for user in created_users:
            queue_invitation(user)
    return plan


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}


def _execute(actor: User, kommune_id: int, plan: Plan) -> list[User]:
    """Carry out the plan with a fixed number of statements per kind of change (bulk
    inserts and updates): a kommune's whole HR export fits in one request."""
    from kommuneadmin.services.units import create_service_row

    services = {s.name.lower(): s for s in BtiService.objects.filter(kommune_id=kommune_id)}
    for change in plan.changes:
        if change.kind == "service":
            services[change.data["name"].lower()] = create_service_row(
                actor=actor, kommune_id=kommune_id, name=change.data["name"], kind=change.data["kind"]
            )
    new_units = [
        Unit(kommune_id=kommune_id, service=services[c.data["service"].lower()], name=c.data["name"])
        for c in plan.changes
        if c.kind == "unit"
    ]
    Unit.objects.bulk_create(new_units)
    units = {u.name.lower(): u for u in Unit.objects.filter(kommune_id=kommune_id).select_related("service")}
    created = []
    for change in plan.changes:
        if change.kind == "user":
            user = User(
                email=change.data["email"],
                full_name=change.data["name"],
                title=change.data["title"],
                kommune_id=kommune_id,
            )
            user.set_unusable_password()
            created.append(user)
    User.objects.bulk_create(created)
    users = {normalise_email(u.email): u for u in User.objects.filter(kommune_id=kommune_id)}
    updated = []
    for change in plan.changes:
        if change.kind == "user_update":
            user = users[change.data["email"]]
            user.full_name, user.title = change.data["name"], change.data["title"]
            updated.append(user)
    User.objects.bulk_update(updated, ["full_name", "title"])
    existing = {(m.user_id, m.unit_id, m.role): m for m in Membership.objects.filter(kommune_id=kommune_id)}
    to_create, to_update, fagadmins = [], [], set()
    for change in plan.changes:
        if change.kind not in {"membership", "membership_update"}:
            continue
        user, unit = users[change.data["email"]], units[change.data["unit"].lower()]
        found = existing.get((user.pk, unit.pk, str(change.data["role"])))
        if found is None:
            to_create.append(
                Membership(
                    kommune_id=kommune_id,
                    user=user,
                    unit=unit,
                    role=change.data["role"],
                    valid_from=change.data["from"],
                    valid_until=change.data["until"],
                )
            )
        else:
            found.valid_from, found.valid_until = change.data["from"], change.data["until"]
            to_update.append(found)
        if change.data["role"] == MembershipRole.FAGADMIN:
            fagadmins.add((user, unit.service))
    Membership.objects.bulk_create(to_create)
    Membership.objects.bulk_update(to_update, ["valid_from", "valid_until"])
    for user, service in fagadmins:
        sync_guide_editor(user, service)
    return [users[u.email] for u in created]
