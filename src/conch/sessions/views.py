"""What a session looks like: the frozen views projections.py builds from events.

Plain frozen dataclasses compared with ``==``, so "the view rebuilt after a restart equals the
one shown live" is a one-line assertion. Front ends render these; nothing here changes state.
Outputs stored by reference stay references (``OutputRef``) until a front end asks for them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from conch.agents.events import FileDiff, PlanEntry, TurnContext

ShellState = Literal["running", "finished", "interrupted", "background"]
""""background": output printed between commands (by a background job), with no command."""
TurnState = Literal["queued", "running", "done", "cancelled", "error", "interrupted"]
"""``interrupted``: Conch stopped (crash, kill -9) or a fork cut the turn before it ended."""
OPEN_TURN_STATES: frozenset[TurnState] = frozenset({"queued", "running"})


@dataclass(frozen=True)
class OutputRef:
    """Output too big to keep in its event: stored once in the journal's blobs."""

    ref: int
    size: int
    """Bytes (UTF-8)."""
    tail: str
    """The last characters, for previews and replays without reading the blob."""
    lines: int | None = None
    """Its newlines (None: journaled before they were counted)."""

    def live_piece(self) -> tuple[int, str]:
        """As a view that cannot read the blob shows it: the lines it skips, then its tail
        from the first whole line; a marker with its size when its lines are not known."""
        if self.lines is None:
            return 0, f"[… {self.size:,} bytes stored in the journal; last part:]\n{self.tail}"
        shown = self.tail[self.tail.find("\n") + 1 :]
        return max(0, self.lines - shown.count("\n")), shown

    def preview(self) -> str:
        """What stands for the output when the blob is not read: its size, then its tail."""
        return f"[… {self.size:,} bytes stored in the journal; last part:]\n{self.tail}"


OutputPiece = str | OutputRef


@dataclass(frozen=True)
class ShellBlock:
    index: int
    """The shell_start event's index."""
    command: str
    cwd: str
    output: tuple[OutputPiece, ...]
    exit_status: int | None
    end_cwd: str | None
    state: ShellState
    last_index: int
    """The index of the block's last event (fork here to keep the whole command)."""
    duration: float | None = None
    """Seconds the command ran; None while it runs or when it never finished. Journals from
    before the duration was kept give the time between its start and end events."""
    interrupted_by_user: bool = False
    """Ctrl+C stopped it (not to be confused with the ``interrupted`` state: Conch stopped)."""
    timed_out: bool = False
    not_started: bool = False
    """bash could not be started, so the command never ran."""
    spool_error: str = ""
    """Why the file that was to hold its whole output failed ("" when it did not)."""
    spool_complete_lines: int = 0
    """With ``spool_error``: about how many lines reached that file."""
    spool_path: str = ""
    """That file, when it was kept: the journal did not save the output."""
    bash_restarted: bool = False
    """bash exited with it and a new bash was started in its place."""
    ran_full_screen: bool = False
    """It drew on the whole terminal (vim, less): its screen is not in the output."""

    @property
    def finished(self) -> bool:
        return self.state == "finished"

    def output_text(self, read_blob: Callable[[int], str] | None = None) -> str:
        """All output; references are read with ``read_blob``, or shown as a marker + tail."""
        parts: list[str] = []
        for piece in self.output:
            if isinstance(piece, str):
                parts.append(piece)
            elif read_blob is not None:
                parts.append(read_blob(piece.ref))
            else:
                parts.append(piece.preview())
        return "".join(parts)

    def newlines(self) -> int | None:
        """How many lines ended in the output, blobs counted unread (None: a blob's count is
        not known)."""
        total = 0
        for piece in self.output:
            counted = piece.count("\n") if isinstance(piece, str) else piece.lines
            if counted is None:
                return None
            total += counted
        return total

    def output_tail(self, chars: int) -> str:
        """The last ``chars`` characters of the output, without reading any blob."""
        text = ""
        for piece in reversed(self.output):
            text = (piece if isinstance(piece, str) else piece.tail) + text
            if len(text) >= chars:
                break
        return text[-chars:] if chars > 0 else ""


@dataclass(frozen=True)
class ToolCallView:
    tool_call_id: str
    title: str
    tool_kind: str
    status: str
    raw_input: str
    content: str
    diffs: tuple[FileDiff, ...]
    locations: tuple[str, ...]


@dataclass(frozen=True)
class PermissionView:
    tool_call_id: str
    title: str
    option_id: str | None
    """None: the request was cancelled before the user answered."""
    option_kind: str
    reason: str
    answered: bool = True
    """False: asked, and no answer was journaled (Conch stopped while the user decided)."""
    option_name: str = ""
    """The chosen option's label as the agent gave it ("" in a request that had none)."""
    by: str = ""
    """Who answered, when several clients could ("" when the one person at the app did)."""


# -- the parts of a turn, in the order the live turn showed them ---------------------------
# They follow AgentTurn.apply (widgets/agent_turn.py) rule for rule, so a restored turn can
# be rebuilt widget for widget: change one and the other must change with it.


@dataclass(frozen=True)
class TextPart:
    """One stretch of answer text: live, one streamed segment. Only more text or a thought
    keeps it open; anything else the agent sends (a tool call or its update, the plan, a
    permission, a mode change) ends it, and the next text starts a new one."""

    text: str


@dataclass(frozen=True)
class ThoughtPart:
    """One folded "Thinking" box, where it first appeared. Thoughts gather in it, even across
    answer text, until the next tool call."""

    text: str


@dataclass(frozen=True)
class PlanPart:
    """Where the plan was first shown; later updates replace its entries in place."""

    entries: tuple[PlanEntry, ...]


@dataclass(frozen=True)
class ErrorPart:
    text: str
    unavailable: bool = False
    """No agent could take the prompt: the live turn shows it as a warning, not an error."""


TurnPart = TextPart | ThoughtPart | ToolCallView | PermissionView | PlanPart | ErrorPart
"""A tool call is shown where it was announced. One announced twice under one id is two parts
(the live turn shows two blocks, the first frozen when the second came)."""


@dataclass(frozen=True)
class AgentTurnView:
    index: int
    """The agent_prompt event's index: the turn's id in ``turn`` fields."""
    prompt: str
    context: TurnContext
    """Frozen when the prompt was sent."""
    parts: tuple[TurnPart, ...]
    """What the turn showed under its prompt, in order. The properties below read it, so a
    long answer is kept once, not once here and once joined."""
    state: TurnState
    stop_reason: str
    agent_session: str
    """The agent session that ran the turn ("" while queued)."""
    last_index: int
    """The index of the turn's last event (fork here to keep the whole turn)."""

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_TURN_STATES

    @property
    def reached_agent(self) -> bool:
        """Whether an agent got the prompt: it was sent (not still queued when Conch stopped)
        and an agent took it (not answered by "no agent is configured")."""
        sent = bool(self.agent_session or self.parts)
        return sent and not any(
            isinstance(part, ErrorPart) and part.unavailable for part in self.parts
        )

    @property
    def text(self) -> str:
        """All answer text, joined as it arrived (what the live ``answer_text`` holds)."""
        return "".join(part.text for part in self.parts if isinstance(part, TextPart))

    @property
    def thoughts(self) -> str:
        return "".join(part.text for part in self.parts if isinstance(part, ThoughtPart))

    @property
    def tool_calls(self) -> tuple[ToolCallView, ...]:
        """One per tool call id, in the order first announced, in its latest state."""
        calls: dict[str, ToolCallView] = {}
        for part in self.parts:
            if isinstance(part, ToolCallView):
                calls[part.tool_call_id] = part
        return tuple(calls.values())

    @property
    def permissions(self) -> tuple[PermissionView, ...]:
        """One per request the user was shown."""
        return tuple(part for part in self.parts if isinstance(part, PermissionView))

    @property
    def plan(self) -> tuple[PlanEntry, ...]:
        """The latest plan (empty if the agent sent none)."""
        return next((part.entries for part in self.parts if isinstance(part, PlanPart)), ())

    @property
    def errors(self) -> tuple[str, ...]:
        return tuple(part.text for part in self.parts if isinstance(part, ErrorPart))


@dataclass(frozen=True)
class NoticeView:
    index: int
    text: str
    level: str
    last_index: int


ConversationItem = ShellBlock | AgentTurnView | NoticeView


@dataclass(frozen=True)
class ConversationView:
    items: tuple[ConversationItem, ...]
    cwd: str
    """The shell's directory as last journaled ("" until an event says)."""
    mode: str
    """The input mode as last journaled ("" until an event says)."""
    agent_mode: str
    """The agent's own mode (ModeUpdate), "" if it never said."""
    last_index: int
