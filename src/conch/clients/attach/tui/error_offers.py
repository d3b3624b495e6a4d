"""The after-error offer in ``conch attach``: "did you mean `git status`?" or "send it to the
agent?" under a line this client ran that failed.

The host decides and tells the client that submitted the line, and no other
(host/error_offers.py). Here it is shown as the app shows it (widgets/error_offer.py,
tui/question_controller.py): under the failed block, once the block shows its end, and never
answered by keys typed at the prompt. Tab gives it the focus (``waiting`` is what the window's
Tab looks for), then Enter or `y` accepts — the corrected command goes to the shell, the line
to the agent, as an ordinary submit (``submission_for_offer``) — and `n` or Esc dismisses.
An edit of the prompt, or the next line this client sends, makes it lapse. With no agent
configured the host sends a note instead of the offer to send it there: a notice, nothing to
accept.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from conch.clients.attach.host_link import HostLink
from conch.clients.attach.line_submission import Submission
from conch.clients.attach.tui.session_view import SessionView
from conch.tui.widgets.error_offer import ErrorOffer
from conch.tui.widgets.notice import Notice
from conch_plugins.shell_mode.failure_offer import Offer

ENDS_KEPT = 16
"""Commands whose shown end is remembered: an offer told after its block's end is shown at
once (the host sends it just after the end, so it is about one of the last few)."""


def submission_for_offer(offer: Offer) -> Submission:
    """An accepted offer, as the window submits it."""
    return Submission(offer.text, "shell" if offer.kind == "correction" else "agent")


class ErrorOffers:
    """The open offer under this client's last failed command, if any."""

    def __init__(self, view: SessionView, link: HostLink, prompt_line: Callable[[], str]) -> None:
        self.view = view
        self.prompt_line = prompt_line
        """What the prompt holds now: a change of it is an edit, and the offer lapses."""
        self.open: ErrorOffer | None = None
        self._prompt_then = ""
        self._early: dict[int, Offer] = {}
        """Offers told before their block's end was shown, by the block's index."""
        self._ended: deque[int] = deque(maxlen=ENDS_KEPT)
        link.on_error_offer = self.told
        view.on_command_ended = self.command_ended

    def told(self, block: int, offer: Offer) -> None:
        """The host's offer about ``block``: shown under it once its end shows."""
        if block in self._ended:
            self._show(offer)
        else:
            self._early[block] = offer

    def command_ended(self, block: int) -> None:
        self._ended.append(block)
        offer = self._early.pop(block, None)
        if offer is not None:
            self._show(offer)

    def waiting(self) -> ErrorOffer | None:
        """The offer Tab would focus."""
        return self.open if self.open is not None and self.open.is_open else None

    def prompt_changed(self) -> None:
        """Typing at the prompt dismisses the offer (the keys stay in the prompt)."""
        if self.waiting() is not None and self.prompt_line() != self._prompt_then:
            self.lapse()

    def lapse(self) -> None:
        """This client moved on (it sent another line): the offer, shown or not, lapses."""
        self._early.clear()
        if self.open is not None:
            self.open.dismiss_quietly()
            self.open = None

    def _show(self, offer: Offer) -> None:
        self.lapse()
        if offer.kind == "no-agent":
            self.view.conversation.add_block(Notice(offer.message, "warning"))
            return
        self.open = ErrorOffer(offer)
        self._prompt_then = self.prompt_line()
        self.view.conversation.add_block(self.open)
