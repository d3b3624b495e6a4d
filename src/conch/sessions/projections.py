"""Events folded into views (views.py): the conversation and the input history.

The live app and a restart must show the same thing, so both go through one fold: a
projector's ``apply(event)`` is called live as events are committed (a journal listener), and
``rebuild_*(events)`` runs the same ``apply`` over stored events.

The folds live in their own modules; this one gathers their public names:

- ``conversation_projection``: ``ConversationProjector`` / ``rebuild_conversation`` (shell
  commands, agent turns, notices; no half turns).
- ``turn_builder``: one open agent turn, its parts in the order the live turn showed them.
- ``history_projection``: ``HistoryProjector`` / ``rebuild_history`` (Up/Down recall).
"""

from __future__ import annotations

from conch.sessions.conversation_projection import ConversationProjector, rebuild_conversation
from conch.sessions.history_projection import HistoryProjector, rebuild_history

__all__ = [
    "ConversationProjector",
    "HistoryProjector",
    "rebuild_conversation",
    "rebuild_history",
]
