"""A session's conversation, restored: the journal's view turned into the app's own widgets.

Each item of a ``ConversationView`` (sessions/views.py) becomes the widget the live app showed
for it (CommandBlock, AgentTurn, Notice) in its final state, so a restored session looks like
the one that was left, minus what only a live item has (timers, spinners, "Esc cancels").
An agent turn's parts come back in the order they were shown (text, a tool call, more text).
A command keeps its duration and how it ended (Ctrl+C, the timeout); what the journal cannot
tell (how long a turn took) is left out rather than made up. A long session gets widgets for
its recent items only; the older ones are built as the user scrolls up to them
(earlier_items.py), since mounting hundreds of turns takes seconds.
This module builds widgets only: it never reads the journal itself (outputs stored by
reference come through ``read_blob``) and never mounts anything.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import cast

from textual.widget import Widget
from textual.widgets import Static

from conch.agents.events import PermissionRequest, ToolCall, ToolKind, ToolStatus
from conch.output_buffer import BoundedOutput
from conch.sessions.views import (
    AgentTurnView,
    ConversationItem,
    ConversationView,
    PermissionView,
    PlanPart,
    ShellBlock,
    TextPart,
    ThoughtPart,
    ToolCallView,
)
from conch.tui.widgets.agent_turn import (
    AgentTurn,
    answer_segments,
    describe_ending,
    error_line,
    thoughts_box,
)
from conch.tui.widgets.background_output import BackgroundOutput
from conch.tui.widgets.command_block import CommandBlock, describe_result
from conch.tui.widgets.earlier_items import EarlierItems
from conch.tui.widgets.notice import Notice
from conch.tui.widgets.permission_prompt import PermissionPrompt
from conch.tui.widgets.plan_view import PlanView, plan_text
from conch.tui.widgets.tool_call_block import MAX_OUTPUT_CHARS, ToolCallBlock
from conch_plugins.shell_mode.command_result import CommandResult
from conch_plugins.shell_mode.unfinished_input import unfinished_reason

ReadBlob = Callable[[int], str]

DEFAULT_SCROLLBACK_LINES = 5000
"""Output lines kept per command, as ``ui.scrollback_lines`` does for live commands."""
RECENT_ITEMS = 30
"""Items mounted at once: about 0.5 s when all are agent turns (~18 ms each), and more than
a tall screen shows. The rest appear as the user scrolls up (earlier_items.py)."""
EARLIER_STEP = 10
"""Items mounted each time the user scrolls up to the earlier ones (~0.2 s at most)."""

SHELL_INTERRUPTED = "⚠ interrupted — Conch stopped before it finished"
SHELL_RUNNING = "… still running when this view was loaded (it is not followed here)"
TURN_INTERRUPTED = "⚠ interrupted — Conch stopped before this turn finished"
TURN_CUT_BY_FORK = "⚠ interrupted — the fork was made while this turn ran"
TURN_RUNNING = "… still running when this view was loaded (it is not followed here)"
TURN_QUEUED = "queued — it had not been sent to the agent when this view was loaded"

# Names of the standard permission options, for answers whose request kept no label.
_OPTION_NAMES = {
    "allow_once": "Allow once",
    "allow_always": "Always allow",
    "reject_once": "Reject",
    "reject_always": "Always reject",
}


def restored_widgets(
    view: ConversationView,
    read_blob: ReadBlob | None,
    *,
    recent: int | None = RECENT_ITEMS,
    step: int = EARLIER_STEP,
    scrollback_lines: int = DEFAULT_SCROLLBACK_LINES,
) -> list[Widget]:
    """One widget per conversation item, oldest first, to mount in one go
    (``Conversation.add_blocks``). ``read_blob`` reads outputs stored by reference
    (``Journal.read_blob``); None shows their stored tail after a marker instead.

    Only the last ``recent`` items (None: all) get their widgets now; the older ones wait in an
    EarlierItems placed first, which shows them ``step`` at a time as the user scrolls up.
    Blobs of those are read only then, so ``read_blob`` must stay usable (the journal open)."""
    items = view.items
    split = 0 if recent is None else max(0, len(items) - max(1, recent))
    widgets: list[Widget] = []
    if split:
        earlier = [partial(restored_widget, item, read_blob, scrollback_lines=scrollback_lines)
                   for item in items[:split]]  # fmt: skip
        widgets.append(EarlierItems(earlier, step))
    widgets.extend(restored_widget(item, read_blob, scrollback_lines=scrollback_lines)
                   for item in items[split:])  # fmt: skip
    return widgets


def restored_widget(
    item: ConversationItem,
    read_blob: ReadBlob | None,
    *,
    scrollback_lines: int = DEFAULT_SCROLLBACK_LINES,
) -> Widget:
    """The widget the live app showed for ``item``, carrying the item's journal index."""
    widget = _widget_for(item, read_blob, scrollback_lines=scrollback_lines)
    widget.journal_index = item.index
    return widget


def _widget_for(
    item: ConversationItem,
    read_blob: ReadBlob | None,
    *,
    scrollback_lines: int = DEFAULT_SCROLLBACK_LINES,
) -> CommandBlock | BackgroundOutput | AgentTurn | Notice:
    """The widget the live app shows for ``item``, in the state the view holds."""
    if isinstance(item, ShellBlock) and item.state == "background":
        return restored_background(item, read_blob, scrollback_lines)
    if isinstance(item, ShellBlock):
        return restored_command(item, read_blob, scrollback_lines)
    if isinstance(item, AgentTurnView):
        return restored_turn(item)
    return Notice(item.text, item.level)


# -- shell commands ---------------------------------------------------------------------


def restored_command(block: ShellBlock, read_blob: ReadBlob | None, max_lines: int) -> CommandBlock:
    text = block.output_text(read_blob)
    shown, total = _last_lines(text, max(1, max_lines))
    counted = block.newlines() if read_blob is None else None  # blobs unread: count them
    if counted is not None:
        total = counted + (1 if text and not text.endswith("\n") else 0)
    output = BoundedOutput(max_lines, None)  # the journal holds the full text: no spool file
    output.append(shown)
    output.close()
    result = _command_result(block)
    status, css_class = _command_status(block, result, output.text())
    if total > max_lines:
        status += (
            f" · {total:,} lines, last {max_lines:,} shown; all: conch sessions export ID --full"
        )
    return CommandBlock.already_ended(block.command, block.cwd, output, status, css_class, result)


def finish_live_command(live: CommandBlock, block: ShellBlock) -> bool:
    """End a live block in place as ``block`` (the journal's view of it) says, when it ended
    the ordinary way; False when it did not (still running, or interrupted by a stop): then
    the restored widget replaces it. In place, the view lays out once instead of twice."""
    result = _command_result(block)
    if result is None or block.state == "interrupted" or live.result is not None:
        return False
    # The host's file of its output: failed (the block says what was not saved), or kept
    # as the one whole copy (the block names it).
    live.output.spool.told(block.spool_error, block.spool_complete_lines, block.spool_path)
    live.sink.ran_fullscreen = live.sink.ran_fullscreen or block.ran_full_screen
    live.finish(result, block.bash_restarted)
    return True


def restored_background(
    block: ShellBlock, read_blob: ReadBlob | None, max_lines: int
) -> BackgroundOutput:
    shown, _ = _last_lines(block.output_text(read_blob), max(1, max_lines))
    output = BoundedOutput(max_lines, None)  # the journal holds the full text: no spool file
    output.append(shown)
    output.close()
    return BackgroundOutput(output)


def _command_result(block: ShellBlock) -> CommandResult | None:
    """What the live block knew when the command ended; None: it never did."""
    if not block.finished:
        return None
    return CommandResult(
        block.command,
        block.exit_status,
        block.end_cwd or block.cwd,
        block.duration or 0.0,
        shell_exited=block.exit_status is None,
        interrupted=block.interrupted_by_user,
        timed_out=block.timed_out,
        not_started=block.not_started,
    )


def _command_status(
    block: ShellBlock, result: CommandResult | None, output: str
) -> tuple[str, str]:
    """The live block's status line: how it ended and how long it took."""
    if block.state == "interrupted":
        return SHELL_INTERRUPTED, "-interrupted"
    if result is None:
        return SHELL_RUNNING, ""
    status, css_class = describe_result(result, restarted=block.bash_restarted)
    missing = unfinished_reason(result.exit_status, output)
    note = f" · unfinished input: {missing} — nothing ran" if missing else ""
    if block.ran_full_screen:
        note += " · ran full-screen"
    return status + note, css_class


def _last_lines(text: str, keep: int) -> tuple[str, int]:
    """The last ``keep`` lines of ``text``, and how many it has in all (the last one may lack
    its newline). Cut here so a 50 MB output is not split and cleaned only to be dropped."""
    total = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
    if total <= keep:
        return text, total
    cut = len(text) - 1 if text.endswith("\n") else len(text)
    for _ in range(keep):
        cut = text.rfind("\n", 0, cut)
    return text[cut + 1 :], total


# -- agent turns ------------------------------------------------------------------------


def restored_turn(turn: AgentTurnView) -> AgentTurn:
    status, css_class = _turn_status(turn)
    context = turn.context if turn.context.agent else None  # an unreadable context: no line
    return AgentTurn.already_ended(turn.prompt, context, _turn_parts(turn), status, css_class)


def _turn_parts(turn: AgentTurnView) -> list[Widget]:
    """The widgets the live turn mounted, one part after the other as the view keeps them
    (the view already cut the text where the live turn started a new segment)."""
    base = turn.context.cwd or None
    widgets: list[Widget] = []
    for part in turn.parts:
        if isinstance(part, TextPart):
            widgets.extend(answer_segments(part.text))
        elif isinstance(part, ThoughtPart):
            widgets.append(thoughts_box(Static(part.text, markup=False)))
        elif isinstance(part, ToolCallView):
            widgets.append(ToolCallBlock(_tool_call(part), base))
        elif isinstance(part, PermissionView):
            widgets.append(_permission(part))
        elif isinstance(part, PlanPart):
            widgets.append(PlanView(plan_text(part.entries)))
        else:
            widgets.append(error_line(part.text, unavailable=part.unavailable))
    return widgets


def _tool_call(call: ToolCallView) -> ToolCall:
    return ToolCall(
        call.tool_call_id,
        call.title,
        cast(ToolKind, call.tool_kind),
        cast(ToolStatus, call.status),
        call.raw_input,
        call.content[-MAX_OUTPUT_CHARS:],
        call.diffs,
        call.locations,
    )


def permission_outcome(permission: PermissionView) -> str:
    """What a decided box says was chosen, and by whom when several clients could answer."""
    if not permission.answered:
        return "Not answered"
    if permission.option_id is None:
        return "Cancelled"
    kind = permission.option_kind
    outcome = permission.option_name or _OPTION_NAMES.get(kind) or permission.option_id
    return outcome + (f" (by {permission.by})" if permission.by else "")


def _permission(permission: PermissionView) -> PermissionPrompt:
    call = ToolCall(permission.tool_call_id, permission.title or permission.tool_call_id)
    request = PermissionRequest(call, (), permission.reason)
    return PermissionPrompt.answered(request, permission_outcome(permission))


def _turn_status(turn: AgentTurnView) -> tuple[str | None, str]:
    """The live turn's last line without the duration; None: the live turn had none (no
    agent could take the prompt, and the turn says why)."""
    state = turn.state
    if state == "done":
        if not turn.stop_reason and turn.errors:
            return None, ""
        return describe_ending(turn.stop_reason or "end_turn")
    if state == "cancelled":
        return describe_ending("cancelled")
    if state == "error":
        text, css_class = describe_ending(turn.stop_reason or "error")
        return (text, css_class) if css_class == "-failed" else describe_ending("error")
    if state == "interrupted":
        cut_by_fork = turn.stop_reason == "forked"
        return (TURN_CUT_BY_FORK if cut_by_fork else TURN_INTERRUPTED), "-interrupted"
    return (TURN_QUEUED if state == "queued" else TURN_RUNNING), ""
