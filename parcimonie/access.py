"""Roles and what each may change: the one rule the dashboard's write functions check.

A signed-in user's roles come from a claim of their identity token (``groups`` by default), each
group mapped to a role by the settings (``auth_roles``). A user whose groups map to no role is a
reader. Without sign-in (the dashboard on the loopback address, or ``--no-auth``) the local user
is an administrator: whoever reaches the port already holds the machine.

Roles: reader (every page, no change), dsi (plans, scenarios, offers), finance (finance
assumptions, scenarios), admin (sources, collection settings, everything).
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

ROLES: Final = ("reader", "dsi", "finance", "admin")

#: What can be changed → the roles that may change it (admin may change everything).
PERMISSIONS: Final[dict[str, tuple[str, ...]]] = {
    "scenario": ("dsi", "finance", "admin"),  # save, rename, delete a scenario
    "offer": ("dsi", "admin"),  # add or remove an offer in the catalogue
    "assumption": ("dsi", "admin"),  # plan assumptions: energy, hardware, licences, staff, sizing
    "assumption.finance": ("finance", "admin"),  # public finance assumptions (rates, depreciation…)
    "sources": ("admin",),  # sources and collection settings
}

#: Assumption groups (``parcimonie.planning.assumption_info``) the finance role owns.
FINANCE_GROUPS: Final = frozenset({"public_finance"})


@dataclass(frozen=True)
class User:
    """Who is using the dashboard: their name for the audit trail, their roles, whether they signed in."""

    name: str
    roles: frozenset[str]
    signed_in: bool = False

    def may(self, permission: str) -> bool:
        """Whether this user may make the change ``permission`` names."""
        return bool(self.roles & set(PERMISSIONS[permission]))


class Forbidden(ValueError):
    """A change refused to ``user``: ``needed`` are the roles that may make it.

    A ``ValueError``, like every other refused input: the pages that already show those show this one.
    """

    def __init__(self, permission: str, user: User) -> None:
        self.permission = permission
        self.user = user
        self.needed = PERMISSIONS[permission]
        super().__init__(f"{permission}: needs one of the roles {', '.join(self.needed)}")


def require(user: User, permission: str) -> User:
    """``user`` if they may make the change ``permission``; raises ``Forbidden`` (naming the roles) otherwise."""
    if not user.may(permission):
        raise Forbidden(permission, user)
    return user


def local_admin(name: str) -> User:
    """The local user of a dashboard served without sign-in: an administrator."""
    return User(name=name, roles=frozenset({"admin"}), signed_in=False)


def check_role_mapping(mapping: Mapping[str, str]) -> dict[str, str]:
    """``mapping`` (group → role) checked; raises ``ValueError`` naming a role that does not exist."""
    for group, role in mapping.items():
        if role not in ROLES:
            raise ValueError(f"groupe {group!r} : rôle inconnu {role!r} (rôles : {', '.join(ROLES)})")
    return dict(mapping)


def parse_role_mapping(text: str) -> dict[str, str]:
    """A group → role mapping from its JSON text (the dashboard receives it in its environment)."""
    value = json.loads(text) if text.strip() else {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValueError("the role mapping must be a JSON object of group names to role names")
    return check_role_mapping(value)


def _groups(value: Any) -> Iterable[str]:
    """A claim's groups: a list of names, or one name (some providers send a string)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return []


def roles_from_claims(claims: Mapping[str, Any], *, claim: str, mapping: Mapping[str, str]) -> frozenset[str]:
    """The roles of a signed-in user: their ``claim`` groups mapped by ``mapping``; reader when none maps."""
    roles = frozenset(mapping[group] for group in _groups(claims.get(claim)) if group in mapping)
    return roles or frozenset({"reader"})


def user_name(claims: Mapping[str, Any]) -> str:
    """The name the audit trail gives a signed-in user: e-mail, else preferred name, name, subject."""
    for key in ("email", "preferred_username", "name", "sub"):
        value = claims.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return "?"
