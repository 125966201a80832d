from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone


def days_later(n: int) -> datetime:
    """«The demo data shifted in time»: detection runs as if it were ``n`` days later."""
    return timezone.now() + timedelta(days=n)
