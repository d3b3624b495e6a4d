"""What Tab goes to in ``conch attach``, and how a permission's answer reaches the host.

A question never takes the keys by itself: only Tab moves the focus to the one waiting
(a permission first, since the agent waits on it, then a route question, then an error's
offer), and Tab again, or an answer, gives the keys back to the prompt. A key on a focused
permission box goes to the host; the journal's decision settles every client's box, and an
answer another client gave first is said on this one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from conch.clients.attach.host_link import HostGone, HostRequestFailed
from conch.clients.attach.tui.shared_permission import SharedPermission
from conch.tui.widgets.question import Question

if TYPE_CHECKING:
    from conch.clients.attach.tui.attach_app import AttachApp


class WindowQuestions:
    """The questions waiting in ``app``'s window, and the answers given in it."""

    def __init__(self, app: AttachApp) -> None:
        self.app = app

    def waiting(self, typed_at: float | None = None) -> Question | None:
        """What Tab goes to; None for an observer or on a screen over the window (a
        review), or when the Tab was typed (at ``typed_at``) before the question came."""
        app = self.app
        if app.is_observer or app.screen is not app.screen_stack[0]:
            return None
        question: Question | None = app.view.waiting_permission()
        if question is None and app.route_question is not None:
            question = app.route_question.waiting()
        if question is None and app.error_offers is not None:
            question = app.error_offers.waiting()
        if question is not None and not question.was_there_when(typed_at):
            return None  # the Tab was meant for the prompt: it completes there
        return question

    def tab(self) -> None:
        """Tab: to the waiting question, or from it back to the prompt."""
        app = self.app
        question = self.waiting(app.key_typed_at)
        if question is None:
            return
        question.hand_back_to = app.prompt  # now: the answer key may follow in one burst
        app.screen.set_focus(app.prompt if app.focused is question else question)

    def done(self, question: Question) -> None:
        """A question was answered or went away: the keys go back to the prompt."""
        app = self.app
        if not app.is_observer and app.focused in (None, question):
            app.screen.set_focus(app.prompt)

    async def answer(self, box: SharedPermission, option_id: str) -> None:
        """Ask the host; the journal's decision settles every client's box."""
        app = self.app
        question = await app.link.question_id(box.turn, box.tool_call_id)
        if question is None:
            box.refused("the host does not list this question (is the host still there?)")
            return
        try:
            await app.link.answer(question, option_id)
        except HostRequestFailed as failure:
            box.refused(str(failure))
            app.notify(str(failure), severity="warning")
        except HostGone as gone:
            box.refused("the Conch host went away")
            app.follower.host_gone(str(gone))
