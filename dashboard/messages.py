"""Messages from the layers below, in the dashboard's language.

The optimizer and the planning service say what happened as codes with their figures
(``parcimonie.planning.messages.Message``); the one message table words them in French or English.
"""

from dashboard.auth import Forbidden, refusal
from dashboard.i18n import current_language, plain, t
from parcimonie.planning.messages import Message, render
from parcimonie.planning.upgrade import DocumentError


def plan_error(err: Exception) -> str:
    """A refused plan request, in the current language, under the "Parameters refused" prefix.

    A change refused to the user's roles (``Forbidden``) says which role it needs instead.
    """
    if isinstance(err, Forbidden):
        return refusal(err)
    message = getattr(err, "message", None)
    shown = render(message, current_language()) if isinstance(message, Message) else str(err)
    return t("consolidation.bad_parameters", message=plain(shown))


def say(message: Message) -> str:
    """A reason, a warning or any coded fact, in the current language."""
    return render(message, current_language())


__all__ = ["DocumentError", "plan_error", "say"]
