"""The plan document: its published schema, its words, and one figure read the same on every surface."""

import json
from pathlib import Path

from parcimonie.planning.document import PLAN_FORMAT, plan_schema
from parcimonie.planning.messages import MESSAGES, Message, render, text

ROOT = Path(__file__).resolve().parents[3]


def test_published_schema_is_the_models_schema() -> None:
    published = json.loads((ROOT / "docs" / "plan-schema.json").read_text(encoding="utf-8"))
    assert published == plan_schema(), "regenerate: python -m parcimonie.planning.document > docs/plan-schema.json"
    assert published["properties"]["format"]["const"] == PLAN_FORMAT


def test_every_message_has_french_and_english_with_the_same_placeholders() -> None:
    import string

    for code, (fr, en) in MESSAGES.items():
        names = [{f for _, f, _, _ in string.Formatter().parse(s) if f} for s in (fr, en)]
        assert names[0] == names[1], code
        assert fr and en, code


def test_messages_format_figures_in_each_language() -> None:
    warning = Message(code="warning.plan_costs_more", params={"extra_eur": 279572.4})
    assert render(warning) == (
        "Le plan de renouvellement coûte 279\u202f572\u00a0€ de plus que conserver le parc sur l'horizon."
    )
    assert render(warning, "en") == "The replacement plan costs €279,572 more than keeping the estate over the horizon."
    assert text("error.unknown_offers", unknown=["x"], known=["a", "b"]) == "offre(s) inconnue(s) : x ; connues : a, b"


def test_unknown_code_and_missing_figures_never_raise() -> None:
    assert render(Message(code="reason.from_the_future")) == "reason.from_the_future"
    assert "capacité" in render(Message(code="reason.too_large"))  # figures missing: the template still reads
