"""Frozen dataclasses <-> JSON objects, so agent events can be journaled and read back as-is.

``to_json`` works on any dataclass (tuples become lists, nested dataclasses objects);
``from_json`` rebuilds one from its type hints. Agent events (conch.agents.events) are found
by their ``kind`` in a registry built from the ``AgentEvent`` union itself, so a new event type
is journaled without touching this module (a test round-trips every member of the union).

Reading never guesses: a value of the wrong shape raises CodecError instead of becoming a
half-filled event.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, TypeVar, cast

from conch.agents.events import AgentEvent
from conch.sessions.records import JsonObject, JsonValue

T = TypeVar("T")


class CodecError(ValueError):
    """A journaled object does not match the type it should decode to."""


def to_json(obj: object) -> JsonObject:
    """A dataclass instance as a JSON object (all fields, ``kind`` included)."""
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        raise TypeError(f"to_json needs a dataclass instance, not {type(obj).__name__}")
    return {field.name: _encode(getattr(obj, field.name)) for field in dataclasses.fields(obj)}


def _encode(value: object) -> JsonValue:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, tuple | list):
        return [_encode(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_json(value)
    if isinstance(value, dict):
        return {str(key): _encode(item) for key, item in value.items()}
    raise TypeError(f"cannot journal a {type(value).__name__}: {value!r}")


def from_json(cls: type[T], data: object) -> T:
    """Rebuild a ``cls`` from ``to_json``'s output. Unknown keys are ignored (newer writers);
    missing keys take the field's default, or raise CodecError when it has none."""
    if not isinstance(data, dict):
        raise CodecError(f"{cls.__name__}: expected an object, got {type(data).__name__}")
    hints = _hints(cls)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cast(Any, cls)):
        if field.name in data:
            values[field.name] = _decode(hints[field.name], data[field.name], field.name)
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise CodecError(f"{cls.__name__}: missing {field.name!r}")
    return cls(**values)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """The resolved type hints of ``cls`` (cached: resolving them costs more than decoding)."""
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def _decode(hint: Any, value: object, where: str) -> Any:
    origin = typing.get_origin(hint)
    if hint is Any:
        return value
    if origin is typing.Union or origin is types.UnionType:
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        errors: list[str] = []
        for option in options:
            if option is type(None):
                continue
            try:
                return _decode(option, value, where)
            except CodecError as error:
                errors.append(str(error))
        raise CodecError(f"{where}: {value!r} matches none of {hint}: {'; '.join(errors)}")
    if origin is typing.Literal:
        if value not in typing.get_args(hint):
            raise CodecError(f"{where}: {value!r} is not one of {typing.get_args(hint)}")
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise CodecError(f"{where}: expected a list, got {type(value).__name__}")
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], item, where) for item in value)
        if len(args) != len(value):
            raise CodecError(f"{where}: expected {len(args)} items, got {len(value)}")
        return tuple(_decode(arg, item, where) for arg, item in zip(args, value, strict=True))
    if origin is dict:
        if not isinstance(value, dict):
            raise CodecError(f"{where}: expected an object, got {type(value).__name__}")
        _, item_hint = typing.get_args(hint)
        return {str(key): _decode(item_hint, item, where) for key, item in value.items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return from_json(hint, value)
    if hint is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise CodecError(f"{where}: expected a number, got {value!r}")
    if hint in (str, int, bool):
        if type(value) is not hint:
            raise CodecError(f"{where}: expected {hint.__name__}, got {value!r}")
        return value
    raise CodecError(f"{where}: cannot decode type {hint!r}")


def _registry() -> dict[str, type[Any]]:
    registry: dict[str, type[Any]] = {}
    for cls in typing.get_args(AgentEvent):
        kind = {field.name: field for field in dataclasses.fields(cls)}["kind"].default
        registry[str(kind)] = cls
    return registry


AGENT_EVENT_TYPES: dict[str, type[Any]] = _registry()
"""Every agent event class by its ``kind``."""


def agent_event_from_json(data: object) -> AgentEvent:
    """The agent event a journaled object describes, found by its ``kind``."""
    if not isinstance(data, dict):
        raise CodecError(f"agent event: expected an object, got {type(data).__name__}")
    cls = AGENT_EVENT_TYPES.get(str(data.get("kind")))
    if cls is None:
        raise CodecError(f"unknown agent event kind {data.get('kind')!r}")
    return cast(AgentEvent, from_json(cls, data))
