"""Roles from the identity token's groups, and what each role may change."""

import pytest

from parcimonie.access import (
    PERMISSIONS,
    Forbidden,
    User,
    local_admin,
    parse_role_mapping,
    require,
    roles_from_claims,
    user_name,
)

MAPPING = {"dsi": "dsi", "fin": "finance", "admins": "admin"}


def test_groups_map_to_roles_and_unmapped_users_read() -> None:
    assert roles_from_claims({"groups": ["dsi", "fin", "other"]}, claim="groups", mapping=MAPPING) == {"dsi", "finance"}
    assert roles_from_claims({"groups": "admins"}, claim="groups", mapping=MAPPING) == {"admin"}  # one group as text
    assert roles_from_claims({"groups": ["other"]}, claim="groups", mapping=MAPPING) == {"reader"}
    assert roles_from_claims({}, claim="groups", mapping=MAPPING) == {"reader"}
    assert roles_from_claims({"roles": ["dsi"]}, claim="roles", mapping=MAPPING) == {"dsi"}
    assert roles_from_claims({"groups": {"dsi": 1}}, claim="groups", mapping=MAPPING) == {"reader"}  # not a list


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("reader", set()),
        ("dsi", {"scenario", "offer", "assumption"}),
        ("finance", {"scenario", "assumption.finance"}),
        ("admin", set(PERMISSIONS)),
    ],
)
def test_each_role_may_make_its_changes_only(role: str, allowed: set[str]) -> None:
    user = User(name="x", roles=frozenset({role}), signed_in=True)
    for permission in PERMISSIONS:
        if permission in allowed:
            assert require(user, permission) is user
        else:
            with pytest.raises(Forbidden) as refused:
                require(user, permission)
            assert refused.value.needed == PERMISSIONS[permission] and "admin" in refused.value.needed


def test_roles_add_up_and_the_local_user_is_admin() -> None:
    both = User(name="x", roles=frozenset({"dsi", "finance"}))
    assert both.may("offer") and both.may("assumption.finance") and not both.may("sources")
    assert local_admin("alice").may("sources") and not local_admin("alice").signed_in


def test_role_mapping_is_checked() -> None:
    assert parse_role_mapping('{"g": "dsi"}') == {"g": "dsi"}
    assert parse_role_mapping("") == {}
    for bad in ('{"g": "boss"}', '["dsi"]', '{"g": 1}'):
        with pytest.raises(ValueError):
            parse_role_mapping(bad)


def test_user_name_prefers_the_email() -> None:
    assert user_name({"sub": "42", "name": "Ada", "email": "ada@mairie.fr"}) == "ada@mairie.fr"
    assert user_name({"sub": "42", "preferred_username": "ada"}) == "ada"
    assert user_name({"sub": "42"}) == "42"
    assert user_name({}) == "?"
