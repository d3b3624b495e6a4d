"""Test-wide isolation: no test reads or writes the real user's files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import pytest_textual_snapshot

from tests.e2e.conch_terminal import stop_host
from tests.peers.fake_openai_server import FakeOpenAIServer

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT_DIR = ROOT / "snapshots"
XDG_DIRS = {
    "XDG_CONFIG_HOME": ".config",
    "XDG_STATE_HOME": ".local/state",
    "XDG_DATA_HOME": ".local/share",
    "XDG_CACHE_HOME": ".cache",
}


def _top_level_snapshot_dir(cls: type, *, test_location: object) -> str:
    """All SVG snapshots live in the top-level snapshots/ folder, one sub-folder per test file."""
    return str(SNAPSHOT_DIR / Path(test_location.filepath).stem)  # type: ignore[attr-defined]


# pytest-textual-snapshot keeps SVGs beside each test file; the project keeps them in one place.
pytest_textual_snapshot.SVGImageExtension.dirname = classmethod(_top_level_snapshot_dir)  # type: ignore[assignment,method-assign]


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh HOME, XDG dirs and runtime dir per test; bash gets an empty .bashrc. A
    Conch host a test started (``conch`` runs its session in one) is stopped after it."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("")
    monkeypatch.setenv("HOME", str(home))
    for name, where in XDG_DIRS.items():
        monkeypatch.setenv(name, str(home / where))
    runtime = tmp_path / "xdg-run"  # tests that want "run" make their own
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    yield home
    stop_host(runtime)
    stop_host(tmp_path / "e2e" / "run")


@pytest.fixture
def fake_llm() -> Iterator[FakeOpenAIServer]:
    """A scripted OpenAI-compatible server on localhost (real HTTP, real SSE)."""
    with FakeOpenAIServer() as server:
        yield server
