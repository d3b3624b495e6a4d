"""The kinds of journal events and builders for their payloads.

A payload is a JSON object; the builders below are the only place its keys are spelled, so the
writers (the app) and the readers (projections, replay, export) agree. Agent events are stored
whole through ``codec`` (their own ``kind`` inside the payload), so nothing an agent said is
lost to a summary.

Agent-side events carry ``turn``: the index of the ``agent_prompt`` event they belong to. A
prompt sent while another turn runs is journaled at once (its context frozen then), so updates
of the running turn can follow it in the journal; ``turn`` keeps them apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal

from conch.agents.events import AgentEvent, Decision, PermissionRequest, TurnContext
from conch.sessions.codec import to_json
from conch.sessions.environment import is_restorable, safe_environment
from conch.sessions.records import JsonObject, JsonValue

# -- kinds ------------------------------------------------------------------------------

USER_INPUT: Final = "user_input"
SHELL_START: Final = "shell_start"
SHELL_OUTPUT: Final = "shell_output"
SHELL_END: Final = "shell_end"
SHELL_ENV: Final = "shell_env"
AGENT_PROMPT: Final = "agent_prompt"
TURN_START: Final = "turn_start"
AGENT_UPDATE: Final = "agent_update"
PERMISSION_ASKED: Final = "permission_asked"
PERMISSION: Final = "permission"
TURN_END: Final = "turn_end"
MODE_CHANGE: Final = "mode_change"
CWD_CHANGE: Final = "cwd_change"
NOTICE: Final = "notice"
REPLAY_INJECTED: Final = "replay_injected"

KINDS: Final = frozenset(
    {
        USER_INPUT,
        SHELL_START,
        SHELL_OUTPUT,
        SHELL_END,
        SHELL_ENV,
        AGENT_PROMPT,
        TURN_START,
        AGENT_UPDATE,
        PERMISSION_ASKED,
        PERMISSION,
        TURN_END,
        MODE_CHANGE,
        CWD_CHANGE,
        NOTICE,
        REPLAY_INJECTED,
    }
)

# -- senders ----------------------------------------------------------------------------

USER: Final = "user"
SHELL: Final = "shell"
AGENT: Final = "agent"
CONCH: Final = "conch"
"""Conch itself: notices, recovery after a crash, replay bookkeeping."""

TurnStatus = Literal["done", "cancelled", "error", "interrupted"]
"""How a turn ended. ``interrupted``: Conch stopped (crash, kill -9) before the turn ended."""

# -- payload builders -------------------------------------------------------------------


def user_input(text: str, mode: str, cwd: str) -> JsonObject:
    """A line the user submitted, in the mode it was typed in (auto, shell, agent)."""
    return {"text": text, "mode": mode, "cwd": cwd}


def shell_start(command: str, cwd: str) -> JsonObject:
    return {"command": command, "cwd": cwd}


def shell_output(text: str) -> JsonObject:
    """Output of the running command. The journal stores big texts as a blob and keeps
    ``{ref, size, tail}`` in the event instead (see ``Journal.append``)."""
    return {"text": text}


def shell_end(
    exit_status: int | None, cwd: str, *, interrupted: bool = False,
    duration: float | None = None, interrupted_by_user: bool = False, timed_out: bool = False,
    not_started: bool = False, spool_error: str = "", spool_complete_lines: int = 0,
    spool_path: str = "",
    restarted: bool = False, full_screen: bool = False,
) -> JsonObject:  # fmt: skip
    """The command finished (exit status and the cwd after it), or never will (``interrupted``:
    Conch stopped first). A finished one also says how long it ran and whether Ctrl+C
    (``interrupted_by_user``) or the command timeout stopped it, so a restore shows what the
    live block showed; and, only when so, that bash exited and a new one was started
    (``restarted``) or that the command ran full-screen (vim, less). ``not_started``: bash
    could not be started, so nothing ran (said only then, to keep the common payload small).
    ``spool_error``: the file that was to hold the whole output failed after about
    ``spool_complete_lines`` lines (output_spool.py). ``spool_path``: that file, kept
    because the journal did not save the output."""
    payload: JsonObject = {"exit_status": exit_status, "cwd": cwd, "interrupted": interrupted}
    if duration is not None:
        payload |= {
            "duration": duration,
            "interrupted_by_user": interrupted_by_user,
            "timed_out": timed_out,
        }
    if not_started:
        payload["not_started"] = True
    if spool_error:
        payload |= {"spool_error": spool_error, "spool_complete_lines": spool_complete_lines}
    if spool_path:
        payload["spool_path"] = spool_path
    if restarted:
        payload["restarted"] = True
    if full_screen:
        payload["full_screen"] = True
    return payload


def shell_env(changed: Mapping[str, str], removed: tuple[str, ...] = ()) -> JsonObject:
    """Exported variables the user set or unset. Secrets and shell internals are dropped here,
    before anything reaches the disk."""
    unset: list[JsonValue] = [name for name in removed if is_restorable(name)]
    return {"set": dict(safe_environment(changed)), "unset": unset}


def agent_prompt(text: str, context: TurnContext) -> JsonObject:
    """What the user asked, with the execution context frozen when it was sent."""
    return {"text": text, "context": to_json(context)}


def turn_start(turn: int, agent_session: str) -> JsonObject:
    """The queued prompt ``turn`` is being sent to the agent session ``agent_session`` (the
    agent's own session id, or a token naming an in-process backend instance)."""
    return {"turn": turn, "agent_session": agent_session}


def agent_update(turn: int, event: AgentEvent) -> JsonObject:
    return {"turn": turn, "event": to_json(event)}


def permission_asked(turn: int, request: PermissionRequest) -> JsonObject:
    """The agent asked; journaled at once, so what it streams while the user decides comes
    after the question, as it did on screen. The answer follows as a ``permission`` event."""
    return {"turn": turn, "request": to_json(request)}


def permission(turn: int, request: PermissionRequest, decision: Decision) -> JsonObject:
    """The user's answer (or None in ``decision``: cancelled before they answered)."""
    return {"turn": turn, "request": to_json(request), "decision": to_json(decision)}


def turn_end(turn: int, status: TurnStatus, stop_reason: str = "") -> JsonObject:
    return {"turn": turn, "status": status, "stop_reason": stop_reason}


def turn_status_for(stop_reason: str) -> TurnStatus:
    """Map an agent's stop reason (TurnEnded.stop_reason) to how the turn ended."""
    if stop_reason == "cancelled":
        return "cancelled"
    if stop_reason == "error":
        return "error"
    return "done"


def mode_change(mode: str) -> JsonObject:
    return {"mode": mode}


def cwd_change(cwd: str) -> JsonObject:
    return {"cwd": cwd}


def notice(text: str, level: Literal["info", "warning", "error"] = "info") -> JsonObject:
    """Something Conch tells the user in the conversation (restart, fork, recovery)."""
    return {"text": text, "level": level}


def replay_injected(agent_session: str, through_index: int, text: str, turns: int) -> JsonObject:
    """The bounded replay ``text`` (``turns`` turns, events up to ``through_index``) was
    prepended to the next prompt of ``agent_session``: never again for that agent session."""
    return {
        "agent_session": agent_session,
        "through_index": through_index,
        "text": text,
        "turns": turns,
        "chars": len(text),
    }
