"""Authentication backend: Django's, with the dealer's customer loaded alongside the user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from .models import User


class UserBackend(ModelBackend):
    """Every dealer page needs ``user.customer`` (``accounts.tenancy.dealer_required``):
    one query with a join instead of two on each request."""

    def get_user(self, user_id: Any) -> User | None:  # type: ignore[override]
        try:
            user = User._default_manager.select_related("customer").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
