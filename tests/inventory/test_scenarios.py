"""Saved scenarios round-trip their JSON and are replaced by name."""

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from inventory import delete_scenario, get_scenario, list_scenarios, save_scenario, session_scope


def test_save_replace_list_delete(engine: Engine) -> None:
    with session_scope(engine) as session:
        save_scenario(
            session,
            name="40 %",
            kind="consolidation",
            parameters={"ceiling": 0.4},
            results={"n_hosts_after": 31, "yearly": [{"year": 2027, "opex": 1234.5}]},
        )
        save_scenario(session, name="80 %", kind="consolidation", parameters={"ceiling": 0.8}, results={})
    with session_scope(engine) as session:
        save_scenario(
            session, name="40 %", kind="consolidation", parameters={"ceiling": 0.4}, results={"n_hosts_after": 30}
        )
    with Session(engine) as session:
        names = [s.name for s in list_scenarios(session)]
        assert names == ["40 %", "80 %"]
        scenario = get_scenario(session, "40 %")
        assert scenario is not None and scenario.results == {"n_hosts_after": 30}
        assert scenario.updated_at >= scenario.created_at
    with session_scope(engine) as session:
        assert delete_scenario(session, "80 %") and not delete_scenario(session, "80 %")
    with Session(engine) as session:
        assert [s.name for s in list_scenarios(session)] == ["40 %"]


def test_name_required(sqlite_engine: Engine) -> None:
    with pytest.raises(ValueError, match="name"):
        with session_scope(sqlite_engine) as session:
            save_scenario(session, name="  ", kind="consolidation", parameters={}, results={})
