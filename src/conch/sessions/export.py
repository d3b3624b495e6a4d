"""A session as Markdown, for `conch sessions export ID`: readable, complete, pasteable.

Built from the same projection the app shows, with outputs stored by reference read in full.
A turn still open is exported as running only while its writer lives; otherwise as interrupted.
"""

from __future__ import annotations

import re
import time

from conch.sessions.journal import Journal
from conch.sessions.projections import rebuild_conversation
from conch.sessions.records import SessionRecord
from conch.sessions.views import AgentTurnView, NoticeView, ShellBlock

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
    return "\n".join(lines) + "\n"


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
    lines = ["## You", "", turn.prompt, "", f"## Agent: {context.agent}{model}", ""]
    if turn.thoughts.strip():
        lines.extend(["<details><summary>Thoughts</summary>", "", turn.thoughts.strip(), "",
                      "</details>", ""])  # fmt: skip
    lines.append(turn.text.strip() or "_(no answer text)_")
    if turn.tool_calls:
        lines.extend(["", "Tool calls:", ""])
        for call in turn.tool_calls:
            lines.append(f"- {TOOL_MARKS.get(call.status, '?')} {call.title} ({call.status})")
            for diff in call.diffs:
                lines.append(f"  - changed `{diff.path}`")
    for permission in turn.permissions:
        answer = permission.option_kind or ("cancelled" if permission.option_id is None else "")
        lines.append(f"- Permission for {permission.title or permission.tool_call_id}: {answer}")
    for error in turn.errors:
        lines.extend(["", *(f"> {line}" for line in error.splitlines())])
    if turn.state != "done":
        lines.extend(["", f"_This turn was {turn.state}._"])
    return lines


def _notice(notice: NoticeView) -> list[str]:
    return [f"> **{notice.level.capitalize()}:** {notice.text}"]


def _fenced(text: str) -> list[str]:
    """A code fence longer than any backtick run inside ``text``."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence, text.rstrip("\n"), fence]


def _when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M %Z", time.localtime(timestamp)).strip()
