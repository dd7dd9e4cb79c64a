"""French wording of plan figures and reasons."""

from parcimonie.wording import euros, num, reason_text, value_text


def test_french_numbers() -> None:
    assert euros(1234567.4) == "1\u202f234\u202f567 €"
    assert num(1234.56) == "1\u202f234,6"
    assert value_text(0.4) == "0,4" and value_text(None) == "—" and value_text(True) == "oui"


def test_known_reasons_are_translated_and_unknown_kept() -> None:
    text = reason_text("demand (70000 ref MHz, 1048576 MiB) exceeds the usable capacity of every target host")
    assert text.startswith("sa demande (70\u202f000 MHz de référence, 1\u202f048\u202f576 Mio)")
    assert reason_text("something new") == "something new"
