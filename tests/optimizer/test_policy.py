import pytest

from optimizer import Policy, PolicyError


def test_defaults_and_echo() -> None:
    p = Policy()
    assert (p.ceiling, p.ha_reserve_hosts, p.scope) == (0.8, 1, "cluster")
    assert not p.use_memory_p95 and p.include_powered_off and not p.include_templates
    assert Policy(**p.to_dict()) == p


def test_whole_numbers_are_normalised() -> None:
    p = Policy(ceiling=1, ha_reserve_hosts=2.0)  # type: ignore[arg-type]
    assert type(p.ceiling) is float and type(p.ha_reserve_hosts) is int


@pytest.mark.parametrize(
    "kw, code, name",
    [
        ({"ceiling": 0.0}, "out_of_range", "ceiling"),
        ({"ceiling": 1.5}, "out_of_range", "ceiling"),
        ({"ceiling": float("nan")}, "out_of_range", "ceiling"),
        ({"ha_reserve_hosts": -1}, "negative", "ha_reserve_hosts"),
        ({"ha_reserve_hosts": 1.5}, "not_integer", "ha_reserve_hosts"),
        ({"scope": "rack"}, "unknown_scope", "scope"),
    ],
)
def test_bad_policy_raises_a_coded_error(kw: dict[str, object], code: str, name: str) -> None:
    with pytest.raises(PolicyError) as err:
        Policy(**kw)  # type: ignore[arg-type]
    assert (err.value.code, err.value.name) == (code, name)
    assert isinstance(err.value, ValueError)
