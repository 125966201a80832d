"""The append-only stafettlogg and the stafettholder role (DESIGN.md §1, §3 inv. 3, 4, 6)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bti import integrity, sealing
from bti.categories import DEFAULT_CATEGORY, PLAN_TILTAK
from bti.models import Kommune, Unit

GENESIS_HASH = "0" * 64


class EntryKind(models.TextChoices):
    UNDRING = "undring", _("Undring")
    KONKRETISERING = "konkretisering", _("Konkretisering")
    DELING = "deling", _("Deling")
    BESLUTNING = "beslutning", _("Beslutning")
    NIVAENDRING = "nivaendring", _("Nivåendring")
    STAFETTHOLDER = "stafettholder", _("Stafettholder")
    IDENTIFISERING = "identifisering", _("Identifisering")
    NOTAT = "notat", _("Notat")
    SAMTALE_BARN = "samtale_barn", _("Samtale med barnet")
    SAMTALE_FORESATTE = "samtale_foresatte", _("Samtale med foresatte")
    AVSLUTNING = "avslutning", _("Avslutning")
    GJENAPNING = "gjenapning", _("Gjenåpning")
    KORRIGERING = "korrigering", _("Korrigering")
    # Written by the samordning app (issue 16): who coordinates, and the barnekoordinator.
    SAMORDNING = "samordning", _("Samordning")
    BARNEKOORDINATOR = "barnekoordinator", _("Barnekoordinator")
    # Written by the samarbeid app: the plan's goals, tiltak, evaluations, meetings and referat.
    PLAN = "plan", _("Plan")
    TILTAK = "tiltak", _("Tiltak")
    EVALUERING = "evaluering", _("Evaluering")
    MOTE = "mote", _("Samarbeidsmøte")
    REFERAT = "referat", _("Møtereferat")


# The category an entry of each kind gets when its writer chooses none (a test checks that
# every kind, and only the kinds that exist, are listed).
KIND_CATEGORY: dict[str, str] = {
    **dict.fromkeys(EntryKind.values, DEFAULT_CATEGORY),
    EntryKind.PLAN: PLAN_TILTAK,
    EntryKind.TILTAK: PLAN_TILTAK,
    EntryKind.EVALUERING: PLAN_TILTAK,
    EntryKind.MOTE: PLAN_TILTAK,
    EntryKind.REFERAT: PLAN_TILTAK,
}


# Entries written before the samarbeid kinds existed are of kind «notat» (the kind is part
# of the hash chain, so the migration kept it); their ``data["event"]`` names what they were,
# and the timeline labels them by it.
LEGACY_EVENT_KIND: dict[str, str] = {
    "goal_created": EntryKind.PLAN,
    "measure_created": EntryKind.TILTAK,
    "measure_status": EntryKind.TILTAK,
    "evaluation": EntryKind.EVALUERING,
    "meeting_scheduled": EntryKind.MOTE,
    "meeting_referat": EntryKind.REFERAT,
}


def kind_label(kind: str, data: Any, labels: dict[str, Any]) -> str:
    """The timeline label of an entry: its kind, or for a legacy «notat» what it recorded."""
    if kind == EntryKind.NOTAT and isinstance(data, dict):
        kind = LEGACY_EVENT_KIND.get(str(data.get("event", "")), kind)
    return str(labels.get(kind, kind))


# Kinds a person may write directly as a note; the others come from service functions.
NOTE_KINDS = [EntryKind.NOTAT, EntryKind.SAMTALE_BARN, EntryKind.SAMTALE_FORESATTE, EntryKind.KONKRETISERING]


class Entry(models.Model):
    """One stafettlogg record. Never updated or deleted (a database trigger refuses it);
    a correction is a new entry pointing at the one it corrects. Each entry carries the
    hash of its predecessor in the same case, keyed with a secret outside the database
    (``key_id`` names it; "" is a plain SHA-256 entry from before the key), so
    ``verify_stafettlogg`` finds tampering (docs/adr/0018)."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="entries")
    seq = models.PositiveIntegerField(_("nummer"))
    created_at = models.DateTimeField(_("tidspunkt"), default=timezone.now)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    kind = models.CharField(_("type"), max_length=20, choices=EntryKind.choices)
    # Set when written (the kind's default or the writer's stricter choice); not part of the
    # hash payload, so the chain of rows written before the column stays verifiable, and
    # guarded like every column by the append-only trigger (docs/adr/0013).
    category = models.CharField(
        _("opplysningskategori"), max_length=40, default=DEFAULT_CATEGORY, db_default=DEFAULT_CATEGORY
    )
    level = models.PositiveSmallIntegerField(_("nivå"))
    # Sealed with the case's key (bti/sealing.py): the hash covers the stored ciphertext,
    # so the chain still verifies after the key is destroyed (docs/adr/0026).
    text = sealing.SealedTextField(_("tekst"), blank=True)
    data = models.JSONField(_("strukturerte data"), default=dict, blank=True)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("korrigerer"),
    )
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=16, blank=True, default="")
    # Rows written before sealing, sealed by migration 0006: their ``hash`` covers the
    # plain text that is gone, so ``seal`` ("<key id>:<hmac>") binds the stored row (sealed
    # text and the old hash) with the integrity key; "" for every row written sealed.
    seal = models.CharField(max_length=80, blank=True, default="")

    class Meta:
        verbose_name = _("loggføring")
        verbose_name_plural = _("loggføringer")
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="entry_unique_seq_per_case")]
        indexes = [models.Index(fields=["case", "-seq"], name="entry_case_seq_desc_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Stafettlogg entries are append-only")
        super().save(*args, **kwargs)

    def compute_hash(self) -> str:
        """The chain hash with the entry's key (``key_id``); KeyError for an unknown key."""
        return integrity.chain_digest(integrity.canonical_json(self.hash_payload()), self.key_id)

    @property
    def shown_text(self) -> str:
        """The text in the reader's language when the system wrote it (``stafettlogg.texts``)."""
        from stafettlogg.texts import entry_text

        return entry_text(self.text, self.data)

    def compute_seal(self, kid: str | None = None) -> str:
        """The migration's seal over the stored row and its original hash (docs/adr/0026)."""
        kid = integrity.current_key_id() if kid is None else kid
        payload = {**self.hash_payload(), "sealed_hash": self.hash}
        return f"{kid}:{integrity.chain_digest(integrity.canonical_json(payload), kid)}"

    def seal_ok(self, known_keys: dict[str, bytes]) -> bool:
        kid, _sep, _digest = self.seal.partition(":")
        return kid in known_keys and self.compute_seal(kid) == self.seal

    def hash_payload(self) -> dict[str, Any]:
        return {
            "case": self.case_id,
            "seq": self.seq,
            "created_at": self.created_at.isoformat(),
            "author": self.author_id,
            "author_unit": self.author_unit_id,
            "kind": self.kind,
            "level": self.level,
            "text": sealing.stored(self.text),
            "data": self.data,
            "corrects": self.corrects_id,
            "prev_hash": self.prev_hash,
        }


class HandoverStatus(models.TextChoices):
    PROPOSED = "proposed", _("Foreslått")
    ACTIVE = "active", _("Aktiv")
    DECLINED = "declined", _("Avslått")
    WITHDRAWN = "withdrawn", _("Trukket tilbake")
    ENDED = "ended", _("Avsluttet")


class Stafettholder(models.Model):
    """A person's stafettholder role on a case, from proposal to end.

    At most one ``active`` row per case (unique index) and, from nivå 1 on, exactly one
    (a deferred constraint trigger, see migration 0002)."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="stafettholders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stafettholder_roles")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("enhet"))
    status = models.CharField(max_length=10, choices=HandoverStatus.choices)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    message = models.TextField(_("melding"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    response_reason = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("stafettholder")
        verbose_name_plural = _("stafettholdere")
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status="active"), name="one_active_stafettholder"),
            models.UniqueConstraint(fields=["case"], condition=Q(status="proposed"), name="one_open_handover"),
        ]
        indexes = [
            models.Index(fields=["user", "status"], name="stafettholder_user_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_status_display()})"
