"""A session as Markdown, for `conch sessions export ID`: readable, complete, pasteable.

Built from the same projection the app shows, with outputs stored by reference read in full.
A turn still open is exported as running only while its writer lives; otherwise as interrupted.
A turn's text, thoughts, tool calls and permissions are written in the order they were shown.
"""

from __future__ import annotations

import re
import time

from conch.agents.events import PlanEntry
from conch.secret_masking import mask_secrets
from conch.sessions.journal import Journal
from conch.sessions.projections import rebuild_conversation
from conch.sessions.records import SessionRecord
from conch.sessions.views import (
    AgentTurnView,
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


def session_markdown(journal: Journal, session_id: str) -> str:
    record = journal.get_session(session_id)
    view = rebuild_conversation(
        journal.events(session_id), interrupted=not journal.is_writer_alive(session_id)
    )
    lines = _header(journal, record)
    for item in view.items:
        lines.append("")
        if isinstance(item, ShellBlock):
            lines.extend(_shell(item, journal))
        elif isinstance(item, AgentTurnView):
            lines.extend(_turn(item))
        else:
            lines.extend(_notice(item))
    if not view.items:
        lines.extend(["", "_Nothing happened in this session yet._"])
    # Masked as a whole: journals written before masking, and what the agent itself printed.
    return mask_secrets("\n".join(lines) + "\n")


def _header(journal: Journal, record: SessionRecord) -> list[str]:
    summary = journal.summary(record.id)
    lines = [
        f"# {summary.display_title}",
        "",
        f"- Session: `{record.id}`",
        f"- Directory: `{record.cwd}`",
        f"- Created: {_when(record.created_at)}",
        f"- Last used: {_when(record.last_used_at)}",
        f"- Agent: {record.agent or 'none'}",
        f"- Status: {record.status}",
    ]
    if record.parent_id is not None:
        lines.append(f"- Forked from: `{record.parent_id}` at event {record.forked_from_event}")
    elif record.forked_from_event is not None:
        lines.append(f"- Forked (at event {record.forked_from_event}) from a deleted session")
    return lines


def _shell(block: ShellBlock, journal: Journal) -> list[str]:
    state = {
        "finished": f"exit status {block.exit_status}",
        "running": "still running",
        "interrupted": "interrupted: Conch stopped before it finished",
    }[block.state]
    lines = [f"## Shell: `{block.command}`", "", f"In `{block.cwd}`, {state}."]
    output = block.output_text(journal.read_blob)
    if output:
        lines.extend(["", *_fenced(output)])
    return lines


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
