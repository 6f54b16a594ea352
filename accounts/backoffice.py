"""The « Back-office » group: what every manufacturer staff member may do in the admin.

Staff work in the admin, which shows nothing to a user without permissions. New staff
users (``create_user --staff``, ``seed_demo``) join this group, so a contact person can
answer remarks, process complaints and move dossiers through the workflow from day one.
Deleting is not part of it: dossiers, messages and history are kept.

Rights are not part of it either. The group has ``change_user`` so that staff keep
dealers' names, language and access up to date; the user admin narrows that with
:func:`may_change_account` and shows the fields that grant rights (superuser, staff,
groups, permissions) to superusers only. It has no ``add_user``: whoever creates an
account chooses the address its invitation goes to, and a staff member who typed their
own would read that customer's Interne messages. Superusers and ``create_user`` add users. The README's « Back-office »
table lists what the group may and may not do.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

GROUP_NAME = "Back-office"

# (app label, model, actions)
PERMISSIONS: list[tuple[str, str, tuple[str, ...]]] = [
    ("accounts", "customer", ("view", "change", "add")),
    ("accounts", "user", ("view", "change")),
    ("dossiers", "dossier", ("view", "change")),
    ("dossiers", "historyevent", ("view",)),
    ("communication", "message", ("view", "change", "add")),
    ("communication", "attachment", ("view",)),
    ("communication", "complaint", ("view", "change")),
    ("mailer", "outboundmail", ("view", "change")),
    # Generated documents: the list (failed ones with their error) and « Régénérer ».
    ("documents", "document", ("view", "change")),
    ("catalogue", "productgroup", ("view",)),
    ("catalogue", "product", ("view",)),
    ("catalogue", "catalogueversion", ("view",)),
    ("catalogue", "productversion", ("view",)),
]


def may_change_account(*, actor: Any, account: Any) -> bool:
    """Whether ``actor`` may change ``account`` in the admin.

    A staff account opens every customer's data in the admin, and a superuser's opens
    everything: only a superuser changes those (their own included), so no staff member
    can raise themselves or a colleague. Other staff change dealer accounts only.
    """
    if actor.is_superuser:
        return True
    return not (account.is_staff or account.is_superuser)


def backoffice_group() -> Group:
    """The group with exactly the permissions above (created or brought up to date)."""
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    query = Q(pk__in=[])
    for app_label, model, actions in PERMISSIONS:
        codenames = [f"{action}_{model}" for action in actions]
        query |= Q(content_type__app_label=app_label, content_type__model=model, codename__in=codenames)
    group.permissions.set(Permission.objects.filter(query))
    return group


def refresh_backoffice_group(**kwargs: Any) -> None:
    """After every ``migrate``: an existing group gets exactly today's permissions.

    The table above is the group's definition. Without this, a right taken out of it
    (``add_user``) would stay with the group of every existing installation until
    someone next created a staff account. A missing group is left to ``create_user``.
    """
    if Group.objects.filter(name=GROUP_NAME).exists():
        backoffice_group()
