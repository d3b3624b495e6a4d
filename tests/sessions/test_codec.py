"""Agent events survive the journal: every event type round-trips through JSON unchanged."""

from __future__ import annotations

import json
import typing

import pytest

from conch.agents.events import (
    STANDARD_OPTIONS,
    AgentError,
    AgentEvent,
    AgentUnavailable,
    AvailableCommands,
    Decision,
    FileDiff,
    MessageChunk,
    ModeUpdate,
    PermissionDecided,
    PermissionRequest,
    PlanEntry,
    PlanUpdate,
    ThoughtChunk,
    ToolCall,
    ToolCallUpdate,
    TurnContext,
    TurnEnded,
)
from conch.sessions.codec import (
    AGENT_EVENT_TYPES,
    CodecError,
    agent_event_from_json,
    from_json,
    to_json,
)

DIFFS = (FileDiff("new.py", None, "x = 1\n"), FileDiff("old.py", "a\n", "b\n"))
SAMPLES: dict[str, AgentEvent] = {
    "message_chunk": MessageChunk("Hello ✓ wörld"),
    "thought_chunk": ThoughtChunk("hmm"),
    "tool_call": ToolCall(
        "call-1", "Edit files", "edit", "in_progress", '{"a": 1}', "out", DIFFS, ("a.py", "b.py")
    ),
    "tool_call_update": ToolCallUpdate("call-1", "completed", "New title", "more", DIFFS[:1]),
    "plan": PlanUpdate((PlanEntry("one", "completed", "high"), PlanEntry("two"))),
    "available_commands": AvailableCommands((("init", "Create AGENTS.md"), ("help", ""))),
    "mode_update": ModeUpdate("plan"),
    "permission_decided": PermissionDecided("call-1", "allow_once", "allow_once"),
    "turn_ended": TurnEnded("max_tokens"),
    "agent_error": AgentError("it broke", "try again"),
    "agent_unavailable": AgentUnavailable("no agent configured"),
}


def test_every_agent_event_type_has_a_sample_here() -> None:
    assert set(AGENT_EVENT_TYPES) == set(SAMPLES)
    assert len(AGENT_EVENT_TYPES) == len(typing.get_args(AgentEvent))


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_each_agent_event_round_trips_through_json_text(kind: str) -> None:
    original = SAMPLES[kind]
    stored = json.loads(json.dumps(to_json(original)))
    assert stored["kind"] == kind
    assert agent_event_from_json(stored) == original


def test_optional_fields_left_as_none_stay_none() -> None:
    update = ToolCallUpdate("c")
    assert agent_event_from_json(json.loads(json.dumps(to_json(update)))) == update
    cancelled = PermissionDecided("c", None)
    assert agent_event_from_json(to_json(cancelled)) == cancelled


def test_context_permission_request_and_decision_round_trip() -> None:
    context = TurnContext("/a", "auto", "opencode", "m", 12.5, "/a")
    request = PermissionRequest(SAMPLES["tool_call"], STANDARD_OPTIONS, "outside the project")  # type: ignore[arg-type]
    decision = Decision("reject_once", "reject_once")
    for value in (context, request, decision):
        assert from_json(type(value), json.loads(json.dumps(to_json(value)))) == value


def test_a_whole_number_time_still_reads_as_a_float() -> None:
    context = from_json(TurnContext, {"cwd": "/", "mode": "a", "agent": "x", "model": "",
                                      "started_at": 12, "project_root": "/"})  # fmt: skip
    assert context.started_at == 12.0 and isinstance(context.started_at, float)


def test_fields_added_by_a_newer_writer_are_ignored() -> None:
    data = {**to_json(MessageChunk("hi")), "added_later": True}
    assert agent_event_from_json(data) == MessageChunk("hi")


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "no_such_event"},
        {"kind": "message_chunk"},
        {"kind": "message_chunk", "text": 5},
        {"kind": "tool_call", "tool_call_id": "x", "title": "t", "tool_kind": "dance"},
        {"kind": "plan", "entries": "not a list"},
        {"kind": "available_commands", "commands": [["only one"]]},
        ["not", "an", "object"],
    ],
)
def test_malformed_events_raise_instead_of_half_decoding(data: object) -> None:
    with pytest.raises(CodecError):
        agent_event_from_json(data)


def test_only_dataclasses_are_encoded() -> None:
    with pytest.raises(TypeError):
        to_json({"a": 1})
    with pytest.raises(TypeError):
        to_json(MessageChunk(object()))  # type: ignore[arg-type]
