"""How a persistent bash is started: the user's session shell, or the agent's sibling one."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ShellOptions:
    """How the session bash is started."""

    source_bashrc: bool = True
    bash: str = "bash"
    rows: int = 24
    cols: int = 80
    extra_env: dict[str, str] = field(default_factory=dict)
    unset_env: set[str] = field(default_factory=set)
    """Inherited variables the user unset, left out of a respawned bash."""
    wrapper: tuple[str, ...] = ()
    """argv prefix bash is started under (the agent's sandbox); () for the user's bash."""
