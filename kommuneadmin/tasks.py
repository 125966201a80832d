"""Celery tasks of the administration: thin, take ids, exit cleanly when the row is gone."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.db import OperationalError

from bti.models import User
from kommuneadmin import invitations


@shared_task(
    name="kommuneadmin.send_invitation",
    ignore_result=True,
    autoretry_for=(OperationalError, smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=5,
    acks_late=True,
)
def send_invitation(user_id: int) -> bool:
    """Send the invitation if the person still waits for one (no password, never logged
    in, still active); once the invitation is used, a retry sends nothing."""
    user = User.objects.filter(pk=user_id, is_active=True, is_staff=False).first()
    if user is None or user.has_usable_password() or user.last_login is not None:
        return False
    invitations.send_invitation(user)
    return True
