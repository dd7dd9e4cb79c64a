"""Who uses the dashboard and what they may change: Streamlit's sign-in (``st.login``) and the roles.

``parcimonie dashboard`` sets ``PARCIMONIE_DASHBOARD_SIGN_IN=1`` when it configured OpenID Connect
(the ``[auth]`` secrets it generated), with the role claim and the group → role mapping in
``PARCIMONIE_AUTH_ROLES_CLAIM`` and ``PARCIMONIE_AUTH_ROLES``. Without it the local user is an
administrator. The write functions (``dashboard/plans.py``) call ``require``: a refused change
raises ``parcimonie.access.Forbidden`` whatever the page showed.
"""

import os

import streamlit as st

from dashboard.i18n import plain, t
from inventory import os_user
from parcimonie.access import Forbidden, User, local_admin, parse_role_mapping, roles_from_claims, user_name

SIGN_IN_ENV = "PARCIMONIE_DASHBOARD_SIGN_IN"
ROLES_CLAIM_ENV = "PARCIMONIE_AUTH_ROLES_CLAIM"
ROLES_ENV = "PARCIMONIE_AUTH_ROLES"

__all__ = ["Forbidden", "current_user", "gate", "refusal", "require", "sign_in_required"]


def sign_in_required() -> bool:
    """Whether this dashboard was served with OpenID Connect sign-in."""
    return os.environ.get(SIGN_IN_ENV) == "1"


def _mapping() -> dict[str, str]:
    """The group → role mapping; a bad one maps nobody (everyone reads, nobody writes)."""
    try:
        return parse_role_mapping(os.environ.get(ROLES_ENV, ""))
    except ValueError:
        return {}


def current_user() -> User:
    """The user of this session: the signed-in user with their roles, or the local administrator.

    Someone not signed in on a dashboard that requires it has no role at all.
    """
    if not sign_in_required():
        return local_admin(os_user())
    if not st.user.is_logged_in:
        return User(name="?", roles=frozenset(), signed_in=False)
    claims = st.user.to_dict()
    claim = os.environ.get(ROLES_CLAIM_ENV, "groups") or "groups"
    return User(
        name=user_name(claims), roles=roles_from_claims(claims, claim=claim, mapping=_mapping()), signed_in=True
    )


def require(permission: str) -> User:
    """The current user if they may make the change ``permission``; raises ``Forbidden`` otherwise."""
    from parcimonie.access import require as check

    return check(current_user(), permission)


def _roles_text(roles: tuple[str, ...] | frozenset[str]) -> str:
    return t("auth.or").join(t(f"role.{role}") for role in sorted(roles)) or "—"


def refusal(err: Forbidden) -> str:
    """A refused change, in the current language: which role it needs and which roles the user has."""
    return t("auth.refused", roles=_roles_text(err.needed), mine=_roles_text(err.user.roles))


def gate() -> User:
    """Sign-in first when required (a page with a sign-in button, nothing else); the user in the sidebar.

    Returns the current user once signed in, or without sign-in the local administrator.
    """
    user = current_user()
    if sign_in_required() and not user.signed_in:
        st.title(t("auth.title"))
        st.write(t("auth.intro"))
        if st.button(t("auth.login"), key="auth_login", type="primary"):
            st.login()
        st.stop()
    if user.signed_in:
        st.sidebar.caption(t("auth.who", name=plain(user.name), roles=_roles_text(user.roles)))
        if st.sidebar.button(t("auth.logout"), key="auth_logout"):
            st.logout()
    else:
        st.sidebar.caption(t("auth.local", name=plain(user.name)))
    return user
