"""The line editor: Tab completes, → takes the ghost suggestion (Up/Down walk the history:
the prompt bar's keys, which this input leaves to it unless its menu is open).

Tab asks the app for candidates (``CompletionRequested`` goes up); the app answers with
``show_completion``. One candidate is inserted; several insert their common prefix and open
the menu, which this input drives while it is open: Tab / Shift+Tab / Up / Down move and
preview, Enter or → takes the highlighted one, Esc closes it and puts back the line as it
was, and any other key closes it and is typed as usual.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widgets import Input

from conch.tui.key_order import TypeAhead, run_binding_in_order
from conch.tui.widgets.completion_menu import CompletionMenu
from conch_plugins.shell_mode.completion import Candidate, Completion


class PromptInput(Input):
    BINDINGS = [
        Binding("tab", "complete", "Complete", show=False),
    ]

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    """How wide the line is (the limit of its sideways scroll). Input sets it on every edit,
    and Textual's own declaration lays out the whole screen on each change: one full layout
    per key typed and one more on Enter (the line is cleared). This input's box never depends
    on it (fixed height, 1fr width, no scrollbars), so a repaint is enough."""

    class CompletionRequested(Message):
        """Tab was pressed: complete ``value`` at ``cursor``."""

        def __init__(self, value: str, cursor: int) -> None:
            super().__init__()
            self.value = value
            self.cursor = cursor

    class MultiLinePasted(Message):
        """A paste of several lines: the whole line it would make, to be held for review
        (this one-line editor would keep only the first line)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.menu: CompletionMenu | None = None
        """Set by the prompt bar, which owns the menu."""
        self._request = ("", 0)
        """The line and cursor the open menu's candidates were computed for."""
        self._opened = ("", 0)
        """The line and cursor when the menu opened (the common prefix inserted)."""
        self.type_ahead = TypeAhead(self, self._on_key)
        self._own_changes = 0
        """Changed events still to come for values this input set itself: they keep the
        menu open (Textual posts them later, so two quick Tabs queue two)."""

    def action_complete(self) -> None:
        self.post_message(self.CompletionRequested(self.value, self.cursor_position))

    def show_completion(self, completion: Completion, line: str, cursor: int) -> None:
        """The answer to a Tab press for ``line`` at ``cursor``; stale answers are dropped."""
        if (self.value, self.cursor_position) != (line, cursor):
            return  # the user typed on while candidates were computed
        if not completion.candidates:
            self.app.bell()
            return
        if len(completion.candidates) == 1:
            self._set(*completion.apply(line))
            return
        self._request = (line, cursor)
        self._set(*completion.apply(line))
        self._opened = (self.value, self.cursor_position)
        if self.menu is not None:
            self.menu.open(completion)

    def close_menu(self) -> None:
        if self.menu is not None and self.menu.is_open:
            self.menu.close()

    def take(self, index: int) -> None:
        """Take candidate ``index`` of the open menu (a mouse click on it)."""
        if self.menu is None or self.menu.completion is None:
            return
        candidate = self.menu.completion.candidates[index]
        self._take(self.menu.completion, candidate)

    async def _on_key(self, event: events.Key) -> None:
        """Each key in its turn (key_order.py): held while the line before it is handled,
        the open menu's keys, then any binding, then text."""
        if (
            self.type_ahead.take(event)
            or self._menu_key(event.key)
            or await run_binding_in_order(self, event.key)
        ):
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)

    async def action_submit(self) -> None:
        """Enter: the line goes to the app; the keys typed after wait until the app has
        taken it or put it back (``line_handled``)."""
        await super().action_submit()
        self.type_ahead.hold()

    async def line_handled(self) -> None:
        """The app is done with the line Enter sent: the keys typed after it act now."""
        await self.type_ahead.release()

    def _on_paste(self, event: events.Paste) -> None:
        pasted = event.text.replace("\r\n", "\n").replace("\r", "\n")
        if "\n" not in pasted.rstrip("\n"):
            return  # one line (perhaps with its newline): Input inserts it as usual
        event.stop()
        event.prevent_default()
        start, end = sorted(self.selection)
        whole = self.value[:start] + pasted.rstrip("\n") + self.value[end:]
        self.post_message(self.MultiLinePasted(whole))

    def _on_input_changed(self, event: Input.Changed) -> None:
        if self._own_changes:
            self._own_changes -= 1  # a preview this input made itself (several may queue up)
            return
        self.close_menu()  # the line was changed by something else: the menu is stale

    def _menu_key(self, key: str) -> bool:
        """Handle ``key`` for the open menu; False lets it through as an ordinary key."""
        menu = self.menu
        if menu is None or menu.completion is None:
            return False
        if key in ("tab", "down", "shift+tab", "up"):
            self._preview(menu.completion, menu.move(1 if key in ("tab", "down") else -1))
            return True
        if key in ("enter", "right") and menu.chosen is not None:
            self._take(menu.completion, menu.chosen)
            return True
        if key == "escape":
            self._set(*self._opened)
            menu.close()
            return True
        menu.close()
        return False

    def _preview(self, completion: Completion, candidate: Candidate) -> None:
        line, _ = self._request
        start, end = completion.start, completion.end
        self._set(line[:start] + candidate.text + line[end:], start + len(candidate.text))

    def _take(self, completion: Completion, candidate: Candidate) -> None:
        line, _ = self._request
        if self.menu is not None:
            self.menu.close()
        self._set(*completion.apply(line, candidate))

    def _set(self, value: str, cursor: int) -> None:
        if value != self.value:
            self._own_changes += 1
        self.value = value
        self.cursor_position = cursor
