"""A stand-in for ``python -m llama_cpp.server``: same command line, scripted answers.

Lets the tests run Conch's real local-model launcher (spawn, wait for
/v1/models, answer, stop) without building llama-cpp-python. Each answer
says which model file was loaded and whether the request carried tools.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.peers.fake_openai_server import FakeOpenAIServer, text


class Answering(FakeOpenAIServer):
    def __init__(self, model: str, port: int) -> None:
        super().__init__(models=(Path(model).name,), port=port)

    def next_reply(self) -> Any:
        request = self.requests[-1] if self.requests else {}
        tools = "with tools" if request.get("tools") else "no tools"
        return text("short answer ", f"from {self.models[0]}, {tools}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--n_ctx", type=int, default=2048)
    args = parser.parse_args()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with Answering(args.model, args.port):
        stop.wait()


if __name__ == "__main__":
    main()
