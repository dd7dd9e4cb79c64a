"""What every part of the plan document shares: the frozen model base and an unplaced VM."""

from pydantic import BaseModel, ConfigDict

from parcimonie.planning.messages import Message

__all__ = ["Frozen", "Unplaced"]


class Frozen(BaseModel):
    """A document part: immutable, and no field it does not declare (a typo fails loudly)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Unplaced(Frozen):
    """A VM the plan could not place, and why."""

    vm: str
    reason: Message
