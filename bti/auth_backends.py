"""Password login by e-mail. Demo users only get in while demo mode is on, so a
demo password that leaks into a production database opens nothing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from bti.identity import normalise_email
from bti.models import User


class EmailBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        email = kwargs.get("email") or username
        if not email or not password:
            return None
        try:
            user = User.objects.get(email=normalise_email(email))
        except User.DoesNotExist:
            # Run the hasher anyway so timing does not tell which addresses exist.
            User().set_password(password)
            return None
        if not user.check_password(password) or not self.user_can_authenticate(user):
            return None
        return user

    def user_can_authenticate(self, user: Any) -> bool:
        if getattr(user, "is_demo", False) and not settings.DEMO_MODE:
            return False
        return super().user_can_authenticate(user)

    def get_user(self, user_id: int) -> User | None:
        user = super().get_user(user_id)
        if user is not None and not self.user_can_authenticate(user):
            return None
        return user
