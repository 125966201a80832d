"""Forms that are saved once (issue 17, item 5; docs/adr/0024).

A form that creates something carries a hidden random key (``OnceForm``). The view reserves
the key with ``claim`` inside the transaction that calls the service: the first submit
inserts the row and creates the object; a second submit of the same form (a double click,
Back + resubmit) finds the row and creates nothing, and the view sends the person to where
the first submit led. When the service refuses the input, the transaction rolls back with
the key, so the corrected form can be sent again. Two submits at the same moment meet at
the primary key: the second waits for the first to commit and is then the duplicate.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bti.models import SubmitKey

ALREADY_SAVED = _("Skjemaet var allerede sendt. Det er lagret én gang, ikke to.")
# Keys older than this are removed by the beat task ``bti.tasks.submit_keys_cleanup``.
KEEP = timedelta(days=7)


class OnceForm(forms.Form):
    """A hidden ``submit_key``: a new one on every empty form, the sent one kept when the
    form comes back with errors. It never reaches ``cleaned_data`` (so never a service);
    after validation it is ``sent_key``."""

    submit_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=36)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent_key: uuid.UUID | None = None
        if not self.is_bound:
            self.initial.setdefault("submit_key", uuid.uuid4())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            self.sent_key = uuid.UUID(data.pop("submit_key", "") or "")
        except ValueError:
            self.sent_key = None  # no key or a mangled one: the form works, without the guard
        return data


def claim(user: Any, form: Any) -> SubmitKey | None:
    """Reserve the form's key in the caller's transaction. None: the first submit, go on.
    Else the row of the earlier submit: create nothing (``url`` says where it led)."""
    key = getattr(form, "sent_key", None)
    if key is None:
        return None
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("submit_keys.claim belongs inside the transaction of the service call")
    try:
        with transaction.atomic():
            SubmitKey.objects.create(key=key, user=user)
    except IntegrityError:
        earlier = SubmitKey.objects.filter(key=key, user=user).first()
        # Another person's key (copied form data) is refused the same way, without its url.
        return earlier or SubmitKey(key=key, user=user)
    return None


def remember(user: Any, form: Any, url: str) -> None:
    """Where the first submit led, for the second to go there too."""
    key = getattr(form, "sent_key", None)
    if key is not None:
        SubmitKey.objects.filter(key=key, user=user).update(url=url[:300])


def cleanup() -> int:
    """Remove keys older than ``KEEP`` (a Back + resubmit a week later is a new form)."""
    deleted, _rows = SubmitKey.objects.filter(at__lt=timezone.now() - KEEP).delete()
    return deleted


def once(user: Any, form: Any, call: Any) -> tuple[Any, SubmitKey | None]:
    """Run ``call`` (the service) in one transaction with the key: ``(its result, None)`` the
    first time, ``(None, earlier row)`` when this form was sent before."""
    with transaction.atomic():
        earlier = claim(user, form)
        if earlier is not None:
            return None, earlier
        return call(), None
