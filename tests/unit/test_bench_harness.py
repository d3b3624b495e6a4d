"""The bench scripts are not run by make test; their harness must still build."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_the_benches_instrumented_app_still_builds(tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        from benchlib.timed_app import make_timed_app
        from conch.tui.app import ConchApp

        app = make_timed_app(tmp_path)
        assert isinstance(app, ConchApp)
    finally:
        sys.path.remove(str(BENCH))
