"""Measure the Auto-mode router (issue 4) on a routing corpus: accuracy and decision time.

    .venv/bin/python bench/route_bench.py [corpus.tsv]     # default: the held-out file

The command index is this machine's PATH, bash builtins and keywords, plus the first word of
every ``shell`` item (bench/routing_corpus/README.md: some of them are not installed here), so
the score measures routing, not the machine. No aliases or functions: no session bash is
started. Prints the three targets of issue 4, how the ``either`` items went, p50/p99 decision
time over many repetitions, and every item routed against its label.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench" / "routing_corpus"))
sys.path.insert(0, str(ROOT / "plugins"))

from load import HELDOUT, Item, load  # noqa: E402

from conch_plugins.shell_mode.command_check import CommandIndex  # noqa: E402
from conch_plugins.shell_mode.route_decision import decide  # noqa: E402
from conch_plugins.shell_mode.shell_words import split_shell  # noqa: E402

REPETITIONS = 30
TARGETS = {"shell": 1.0, "agent": 0.95, "typo": 1.0}


def build_index(items: list[Item]) -> tuple[CommandIndex, list[str]]:
    """This machine's commands plus the first words of the shell items; also what was added."""
    index = CommandIndex()
    index.refresh_path()
    added: set[str] = set()
    for item in items:
        if item.label != "shell":
            continue
        words = split_shell(item.text)
        if words.leading_operator or words.tokens[1:2] == [(True, "(")]:
            continue  # "> app.log", "mkcd() { …; }": no command word to add
        command = words.commands[0] if words.commands else []
        for word in command:
            if "=" in word and not word.startswith("="):
                continue  # FOO=1 cmd: the command is the next word
            name_like = word.replace("-", "").replace(".", "").replace("_", "").isalnum()
            if name_like and not index.is_command(word):
                added.add(word)
            break
    index.executables |= added
    return index, sorted(added)


def score(items: list[Item], index: CommandIndex) -> tuple[dict[str, float], list[str]]:
    tallies: dict[str, list[float]] = {"shell": [], "agent": [], "typo": []}
    either: Counter[str] = Counter()
    misses: list[str] = []
    for item in items:
        decision = decide(item.text, index)
        target = decision.target
        if item.label == "shell":
            tallies["shell"].append(1.0 if target == "shell" else 0.0)
            wrong = target != "shell"
        elif item.label == "agent":
            tallies["agent"].append({"agent": 1.0, "ask": 0.5}.get(target, 0.0))
            wrong = target != "agent"
        elif item.label == "typo":
            tallies["typo"].append(0.0 if target == "agent" else 1.0)
            wrong = target == "agent"
        else:
            either[target] += 1
            wrong = False
        if wrong:
            text = item.text.replace("\n", "\\n")
            misses.append(f"  {item.label:<6} -> {target:<6} {text!r:60} {decision.reason}")
    figures = {label: sum(v) / len(v) for label, v in tallies.items() if v}
    print(f"either ({sum(either.values())} items, no target): {dict(either)}")
    return figures, misses


def time_decisions(items: list[Item], index: CommandIndex) -> list[float]:
    samples: list[float] = []
    clock = time.perf_counter
    for _ in range(REPETITIONS):
        for item in items:
            start = clock()
            decide(item.text, index)
            samples.append(clock() - start)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", default=str(HELDOUT))
    args = parser.parse_args(argv)
    items = load(args.corpus)
    index, added = build_index(items)
    print(f"corpus: {args.corpus} ({len(items)} items)")
    on_path = len(index.executables) - len(added)
    print(f"command index: {on_path} PATH executables, bash builtins and keywords, no aliases")
    print(f"not installed here, added from shell items' first words ({len(added)}):")
    print("  " + " ".join(added) if added else "  (none)")
    start = time.perf_counter()
    decide("gti status", index)  # builds the typo index once
    print(f"first decision (builds the typo index): {(time.perf_counter() - start) * 1e3:.1f} ms")
    figures, misses = score(items, index)
    names = {
        "shell": "commands kept in shell",
        "agent": "requests sent to agent (ask = half)",
        "typo": "typos never sent to agent",
    }
    for label, name in names.items():
        value, target = figures.get(label, float("nan")), TARGETS[label]
        mark = "ok" if value >= target else "MISSED"
        print(f"{name:<38} {value:7.1%}  (target {target:.0%}: {mark})")
    samples = sorted(time_decisions(items, index))
    p99 = samples[int(len(samples) * 0.99)]
    median = statistics.median(samples)
    print(
        f"decision time over {len(samples)} decisions: p50 {median * 1e6:.0f} µs, "
        f"p99 {p99 * 1e6:.0f} µs, max {samples[-1] * 1e6:.0f} µs (target p99 < 1000 µs)"
    )
    print(f"routed against the label ({len(misses)}):")
    print("\n".join(misses) if misses else "  (none)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
