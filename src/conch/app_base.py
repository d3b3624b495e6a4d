"""What the app's parts share: its state and the few widgets they talk to.

ConchApp is assembled from role mixins (shell_commands, agent_turns) over
this base, so each role lives in a file named for it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Literal, TypeVar

import pluggy
from textual.app import App

from conch.config import ConchConfig, LoadedConfig
from conch.history import HistoryStore
from conch.widgets.conversation import Conversation
from conch.widgets.prompt_bar import PromptBar
from conch_plugins.shell_mode.shell_session import ShellSession
from conch_plugins.tui_integration.providers import ExecutionModeProvider, WorkingDirProvider

if TYPE_CHECKING:
    from conch.agent_replay import AgentReplay
    from conch.agent_runner import AgentRunner
    from conch.agents.backend import AgentBackend
    from conch.agents.registry import AgentChoice
    from conch.agents.shell_context import ShellContextLog
    from conch.session_recorder import SessionRecorder
    from conch.widgets.agent_turn import AgentTurn
    from conch.widgets.command_block import CommandBlock

T = TypeVar("T")


class ConchAppBase(App[None]):
    loaded: LoadedConfig
    config: ConchConfig
    plugins: pluggy.PluginManager
    start_cwd: str
    history: HistoryStore
    session: ShellSession
    running_block: CommandBlock | None
    agent_choice: AgentChoice
    agents: AgentRunner[AgentTurn]
    agent_replay: AgentReplay
    shell_context: ShellContextLog

    # The conversation grows without bound; a DOM query walks every block, so
    # the few widgets the app talks to are looked up once.

    @cached_property
    def conversation(self) -> Conversation:
        return self.query_one(Conversation)

    @cached_property
    def prompt_bar(self) -> PromptBar:
        return self.query_one(PromptBar)

    @cached_property
    def mode_provider(self) -> ExecutionModeProvider:
        return self.query_one(ExecutionModeProvider)

    @cached_property
    def cwd_provider(self) -> WorkingDirProvider:
        return self.query_one(WorkingDirProvider)

    def ask_agent(self, text: str) -> None:
        """Queue a prompt for the agent (implemented by the AgentTurns role)."""
        raise NotImplementedError

    async def switch_agent(self, name: str) -> None:
        """Use agent ``name`` from the next prompt (implemented by the AgentTurns role)."""
        raise NotImplementedError

    def make_shell_session(self) -> ShellSession:
        """A new bash for the bound session (implemented by ConchApp)."""
        raise NotImplementedError

    def forget_session_state(self) -> None:
        raise NotImplementedError

    def _start_shell(self) -> object:
        """Start the session bash in a worker (implemented by the ShellCommands role)."""
        raise NotImplementedError

    def _run_agent_turns(self) -> object:
        raise NotImplementedError

    def _make_backend(self) -> AgentBackend:
        raise NotImplementedError

    def warm_completion(self) -> None:
        """Start Tab's helper bash early (implemented by the TabCompletion role)."""
        raise NotImplementedError

    def action_sessions(self) -> None:
        """The session picker (implemented by the SessionActions role)."""
        raise NotImplementedError

    def new_session(self) -> None:
        raise NotImplementedError

    def fork_session(self) -> None:
        raise NotImplementedError

    def rename_session(self, title: str) -> None:
        raise NotImplementedError

    def tell(self, text: str, level: Literal["info", "warning", "error"] = "info") -> None:
        """Show a notice and journal it (implemented by the SessionBinding role)."""
        raise NotImplementedError

    def refuse_while_agent_works(self) -> bool:
        """True, after saying why, while an agent turn runs: switching the agent or the
        session then would cut the turn off mid-answer."""
        if not self.agents.is_busy:
            return False
        self.tell("The agent is still working: wait, or cancel its turn (Esc) first.", "warning")
        return True

    def record(self, write: Callable[[SessionRecorder], T]) -> T | None:
        """Write to the session journal (implemented by the SessionBinding role)."""
        raise NotImplementedError

    async def action_cancel_turn(self) -> None:
        """Cancel the agent's running turn (implemented by the AgentTurns role)."""
        raise NotImplementedError

    def run_shell_command(
        self, command: str, raw_line: str = "", journal_first: Callable[[], object] | None = None
    ) -> None:
        """Run a line in the session shell (implemented by the ShellCommands role);
        ``journal_first`` is journaled just before the command's start, on its thread."""
        raise NotImplementedError
