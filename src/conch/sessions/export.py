"""A session as Markdown, for `conch sessions export ID`: readable, complete, pasteable.

Built from the same projection the app shows, with outputs stored by reference read in full.
A turn still open is exported as running only while its writer lives; otherwise as interrupted.
A turn's text, thoughts, tool calls and permissions are written in the order they were shown.

Command output is written as the terminal showed it (terminal_text.py): a progress bar redrawn
with ``\r`` 400,000 times is its last state, colour codes are dropped (``ansi=True`` keeps
them). An output longer than ``max_output_lines`` keeps its first and last lines, with a note
saying how many there were and how to get them all (``--full``).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from conch.agents.events import PlanEntry
from conch.elapsed import format_duration
from conch.secret_masking import mask_secrets
from conch.sessions.journal import Journal
from conch.sessions.projections import rebuild_conversation
from conch.sessions.records import SessionRecord
from conch.sessions.terminal_text import as_shown
from conch.sessions.views import (
    AgentTurnView,
    ConversationView,
    NoticeView,
    PermissionView,
    PlanPart,
    ShellBlock,
    TextPart,
    ThoughtPart,
    ToolCallView,
    TurnPart,
)

TOOL_MARKS = {"completed": "✓", "failed": "✗", "in_progress": "…", "pending": "·"}
MAX_OUTPUT_LINES = 200
"""Output lines exported per command by default: enough to read, not a 400,000-line wall."""
HEAD_LINES = 20
"""Of those, the first ones kept (the command's start); the rest is its end."""


@dataclass(frozen=True)
class ExportOptions:
    ansi: bool = False
    """Keep the colour codes of command output (as a terminal would use them)."""
    max_output_lines: int | None = MAX_OUTPUT_LINES
    """Longer outputs are cut to their first and last lines; None: never cut."""


def session_markdown(
    journal: Journal, session_id: str, options: ExportOptions | None = None
) -> str:
    options = options or ExportOptions()
    record = journal.get_session(session_id)
    view = rebuild_conversation(
        journal.events(session_id), interrupted=not journal.is_writer_alive(session_id)
    )
    lines = _header(journal, record, view)
    for item in view.items:
        lines.append("")
        if isinstance(item, ShellBlock):
            lines.extend(_shell(item, journal, options, record.id))
        elif isinstance(item, AgentTurnView):
            lines.extend(_turn(item))
        else:
            lines.extend(_notice(item))
    if not view.items:
        lines.extend(["", "_Nothing happened in this session yet._"])
    # Masked as a whole: journals written before masking, and what the agent itself printed.
    return mask_secrets("\n".join(lines) + "\n")


def _header(journal: Journal, record: SessionRecord, view: ConversationView) -> list[str]:
    summary = journal.summary(record.id)
    lines = [
        f"# {summary.display_title}",
        "",
        f"- Session: `{record.id}`",
        f"- Directory: `{record.cwd}`",
        f"- Created: {_when(record.created_at)}",
        f"- Last used: {_when(record.last_used_at)}",
        f"- Agents: {', '.join(agents_used(view)) or 'none'}",
        f"- Status: {record.status}",
    ]
    if record.parent_id is not None:
        lines.append(f"- Forked from: `{record.parent_id}` at event {record.forked_from_event}")
    elif record.forked_from_event is not None:
        lines.append(f"- Forked (at event {record.forked_from_event}) from a deleted session")
    return lines


def agents_used(view: ConversationView) -> list[str]:
    """Each agent (and model) that took a prompt in this session, in first-use order."""
    names: dict[str, None] = {}
    for item in view.items:
        if isinstance(item, AgentTurnView) and item.reached_agent and item.context.agent:
            model = f" ({item.context.model})" if item.context.model else ""
            names[f"{item.context.agent}{model}"] = None
    return list(names)


def _shell(
    block: ShellBlock, journal: Journal, options: ExportOptions, session_id: str
) -> list[str]:
    lines = [f"## Shell: `{block.command}`", "", f"In `{block.cwd}`, {_ending(block)}."]
    output = as_shown(block.output_text(journal.read_blob), keep_ansi=options.ansi)
    output = output.rstrip("\n")
    if not output:
        return lines
    limit = options.max_output_lines
    total = output.count("\n") + 1
    if limit is None or total <= limit:
        return [*lines, "", *_fenced(output)]
    head, tail = _cut(output, min(HEAD_LINES, limit // 2), limit - min(HEAD_LINES, limit // 2))
    shown = head.count("\n") + tail.count("\n") + 2
    note = (f"_Output: {total:,} lines; {total - shown:,} in the middle are left out. "
            f"The full output is in the journal: `conch sessions export {session_id}"
            " --full`._")  # fmt: skip
    return [*lines, "", note, "", *_fenced(f"{head}\n[… {total - shown:,} lines …]\n{tail}")]


def _ending(block: ShellBlock) -> str:
    """How the command ended, in words, with how long it ran when known."""
    if block.state == "running":
        return "still running"
    if block.state == "interrupted":
        return "interrupted: Conch stopped before it finished"
    if block.exit_status is None:
        text = "bash exited"
    elif block.timed_out:
        text = f"timed out (exit status {block.exit_status})"
    elif block.interrupted_by_user:
        text = f"interrupted with Ctrl+C (exit status {block.exit_status})"
    else:
        text = f"exit status {block.exit_status}"
    return text if block.duration is None else f"{text}, after {format_duration(block.duration)}"


def _cut(text: str, head: int, tail: int) -> tuple[str, str]:
    """The first ``head`` and the last ``tail`` lines of ``text`` (it has more than both)."""
    end_of_head = -1
    for _ in range(head):
        end_of_head = text.index("\n", end_of_head + 1)
    start_of_tail = len(text)
    for _ in range(tail):
        start_of_tail = text.rindex("\n", 0, start_of_tail)
    return text[: max(0, end_of_head)], text[start_of_tail + 1 :]


def _turn(turn: AgentTurnView) -> list[str]:
    context = turn.context
    model = f" ({context.model})" if context.model else ""
    lines = ["## You", "", turn.prompt, "", f"## Agent: {context.agent}{model}"]
    in_list = False
    for part in turn.parts:
        block = _part(part)
        if not block:
            continue
        is_item = block[0].startswith("- ")
        if not (is_item and in_list):  # tool calls and permissions in a row make one list
            lines.append("")
        lines.extend(block)
        in_list = is_item
    if not turn.text.strip():
        lines.extend(["", "_(no answer text)_"])
    if turn.state != "done":
        lines.extend(["", f"_This turn was {turn.state}._"])
    return lines


def _part(part: TurnPart) -> list[str]:
    """One part of a turn as Markdown lines, in the order the turn showed them."""
    if isinstance(part, TextPart):
        return [part.text.strip()] if part.text.strip() else []
    if isinstance(part, ThoughtPart):
        if not part.text.strip():
            return []
        return ["<details><summary>Thoughts</summary>", "", part.text.strip(), "", "</details>"]
    if isinstance(part, ToolCallView):
        mark = TOOL_MARKS.get(part.status, "?")
        return [f"- {mark} {part.title} ({part.status})",
                *(f"  - changed `{diff.path}`" for diff in part.diffs)]  # fmt: skip
    if isinstance(part, PermissionView):
        answer = part.option_kind or ("cancelled" if part.option_id is None else "")
        if not part.answered:
            answer = "not answered (Conch stopped while it waited)"
        elif part.by:
            answer += f" (by {part.by})"
        return [f"- Permission for {part.title or part.tool_call_id}: {answer}"]
    if isinstance(part, PlanPart):
        entries = [_plan_entry(entry) for entry in part.entries]
        return ["Plan:", "", *entries] if entries else []
    return [f"> {line}" for line in part.text.splitlines()]


def _plan_entry(entry: PlanEntry) -> str:
    """A task-list line; "in progress" said in words, as Markdown has no mark for it."""
    done = "x" if entry.status == "completed" else " "
    doing = " (in progress)" if entry.status == "in_progress" else ""
    return f"- [{done}] {entry.content}{doing}"


def _notice(notice: NoticeView) -> list[str]:
    return [f"> **{notice.level.capitalize()}:** {notice.text}"]


def _fenced(text: str) -> list[str]:
    """A code fence longer than any backtick run inside ``text``."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence, text.rstrip("\n"), fence]


def _when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M %Z", time.localtime(timestamp)).strip()
