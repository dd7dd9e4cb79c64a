"""Errors the optimizer raises: each carries a code and its figures, so a caller can word it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["AssumptionError", "PlanInputError", "PolicyError"]


class AssumptionError(ValueError):
    """A bad assumption name or value.

    `code` is one of "unknown", "not_bool", "not_finite", "not_integer", "negative",
    "not_choice" (`choices`: the accepted texts), "out_of_range"; `low`/`high` bound the accepted
    range when the code is "out_of_range" (`low_open`/`high_open`: the bound itself is excluded).
    """

    def __init__(
        self,
        code: str,
        name: str,
        value: Any,
        *,
        low: float | None = None,
        high: float | None = None,
        low_open: bool = False,
        high_open: bool = False,
        choices: tuple[str, ...] = (),
    ) -> None:
        self.code, self.name, self.value = code, name, value
        self.choices = choices
        self.low, self.high, self.low_open, self.high_open = low, high, low_open, high_open
        super().__init__(self._text())

    def _text(self) -> str:
        what = f"Assumptions.{self.name}"
        texts = {
            "unknown": f"unknown assumption {self.name!r}",
            "not_bool": f"{what} must be true or false, got {self.value!r}",
            "not_finite": f"{what} must be a finite number, got {self.value!r}",
            "not_integer": f"{what} must be a whole number, got {self.value!r}",
            "negative": f"{what} must be >= 0, got {self.value!r}",
            "not_choice": f"{what} must be one of {', '.join(self.choices)}, got {self.value!r}",
        }
        if self.code in texts:
            return texts[self.code]
        low = "" if self.low is None else f"{'>' if self.low_open else '>='} {self.low:g}"
        high = "" if self.high is None else f"{'<' if self.high_open else '<='} {self.high:g}"
        return f"{what} must be {' and '.join(x for x in (low, high) if x)}, got {self.value!r}"


class PolicyError(ValueError):
    """A bad sizing policy field (`name`, `value`); `code` is "out_of_range", "not_integer",
    "negative", "unknown_scope" or "unknown_demand"."""

    def __init__(self, code: str, name: str, value: Any) -> None:
        self.code, self.name, self.value = code, name, value
        super().__init__(f"Policy.{name} is invalid ({code}): {value!r}")


class PlanInputError(ValueError):
    """Inputs a planner cannot work with: `code` (e.g. "empty_estate") and its `params`."""

    def __init__(self, code: str, params: Mapping[str, Any] | None = None) -> None:
        self.code = code
        self.params: dict[str, Any] = dict(params or {})
        detail = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        super().__init__(f"{code}{f' ({detail})' if detail else ''}")
