"""Build tune.tsv and heldout.tsv from the hand-written sources and a seeded nl2bash sample.

Run once, from anywhere: ``.venv/bin/python bench/routing_corpus/build.py``. The output is
committed data; running again with the same sources and nl2bash files gives the same bytes.
Nothing here routes or runs a line: one-liners are only parsed (``bash -n``).

- source/handwritten.txt  items split ~30% held out, stratified by category;
- source/heldout_only.txt items that go to heldout.tsv only;
- nl2bash (../shared/data/nl2bash, MIT, see NOTICE): a sample of one-liners from all.cm
  that parse, as ``nl2bash_command``, and of descriptions from all.nl, some left formal,
  some lowercased, some made casual, as ``nl2bash_request``.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import cast

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bash_syntax import unparsable
from load import HELDOUT, LABELS, TUNE, Item, Label, counts, dump

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "source"
DEFAULT_NL2BASH = HERE.parents[2] / "shared" / "data" / "nl2bash"

SEED = 4
HELDOUT_SHARE = 0.3
N_COMMANDS = 125
N_REQUESTS = 125
# nl2bash is 60% `find`; cap each command word so the sample has varied shapes.
FIND_CAP = 24
OTHER_CAP = 4
CASUAL_OPENERS = (
    "how do i ",
    "can you ",
    "pls ",
    "i need to ",
    "how to ",
    "help me ",
    "could you ",
    "quick q: how do i ",
    "whats the command to ",
)
# Lines starting with these are Conch's own per-line overrides, never data.
OVERRIDE_PREFIXES = ("!", "?")
# nl2bash first words that stand for "some program" rather than a real command.
PLACEHOLDER_WORDS = frozenset(
    {
        "command", "somecommand", "some_command", "yourcommand", "any_command_what_produces_"
        "relative_path_names", "command_that_writes_to_stdout", "my_program", "myprogram",
        "program1", "progam.sh", "proc1", "input_prog", "foo", "bar", "xxx", "whatever",
        "files", "files2", "script.py", "ruby-script.rb", "myscript.rb", "update-client",
        "compaudit", "timex", "qstat", "matlab", "octave", "mate", "parec", "csvtopretty",
    }
)  # fmt: skip
_COMMAND_WORD = re.compile(r"^[a-z][a-z0-9._+-]*$")


def read_source(path: Path) -> list[Item]:
    """Items of a source file: ``@@ label category`` headers, ``@{``/``@}`` blocks, ``@#``."""
    items: list[Item] = []
    section: tuple[Label, str] | None = None
    block: list[str] | None = None
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{path.name}:{n}"
        if block is not None:
            if raw == "@}":
                items.append(_item(section, "\n".join(block), where))
                block = None
            else:
                block.append(raw)
            continue
        line = raw.rstrip()
        if not line or line.startswith("@#"):
            continue
        if line.startswith("@@ "):
            label, category = line[3:].split()
            if label not in LABELS:
                raise ValueError(f"{where}: unknown label {label!r}")
            section = (cast(Label, label), category)
        elif line == "@{":
            block = []
        else:
            items.append(_item(section, line, where))
    if block is not None:
        raise ValueError(f"{path.name}: unterminated @{{ block")
    return items


def _item(section: tuple[Label, str] | None, text: str, where: str) -> Item:
    if section is None:
        raise ValueError(f"{where}: item before any @@ header")
    if text.lstrip().startswith(OVERRIDE_PREFIXES):
        raise ValueError(f"{where}: starts with a Conch override prefix: {text!r}")
    return Item(section[0], section[1], text)


def sample_commands(cm: list[str], taken: set[str]) -> list[Item]:
    """Up to N_COMMANDS one-liners from all.cm that parse, in a seeded order, capped per word."""
    order = list(range(len(cm)))
    random.Random(f"{SEED}:cm").shuffle(order)
    per_word: Counter[str] = Counter()
    chosen: list[Item] = []
    for chunk in _chunks(order, 400):
        candidates = [cm[i].strip() for i in chunk]
        candidates = [
            c
            for c in candidates
            if c.isascii()
            and c.isprintable()
            and 6 <= len(c) <= 140
            and not c.startswith((*OVERRIDE_PREFIXES, "#"))
            and _real_first_word(c)
            and c not in taken
        ]
        bad = set(unparsable(candidates))
        for command in candidates:
            word = command.split()[0]
            cap = FIND_CAP if word == "find" else OTHER_CAP
            if command in bad or command in taken or per_word[word] >= cap:
                continue
            per_word[word] += 1
            taken.add(command)
            chosen.append(Item("shell", "nl2bash_command", command))
            if len(chosen) == N_COMMANDS:
                return chosen
    return chosen


def _real_first_word(command: str) -> bool:
    """A lowercase command name, a path or an assignment, not an nl2bash placeholder."""
    word = command.split()[0]
    if word.lower() in PLACEHOLDER_WORDS:
        return False
    return bool(
        _COMMAND_WORD.match(word)
        or word.startswith(("./", "/", "~/", "$(", "(", "{"))
        or "=" in word
    )


def sample_requests(nl: list[str], taken: set[str]) -> list[Item]:
    """N_REQUESTS descriptions from all.nl: a third kept formal, a third lowercased, a third
    made casual (lowercase, no full stop, an opener such as "how do i")."""
    order = list(range(len(nl)))
    rng = random.Random(f"{SEED}:nl")
    rng.shuffle(order)
    seen: set[str] = {t.lower() for t in taken}
    chosen: list[Item] = []
    for i in order:
        formal = nl[i].strip()
        if not (
            formal.isascii()
            and formal.isprintable()
            and 25 <= len(formal) <= 140
            and formal[0].isalpha()
            and "\\" not in formal
            and formal.lower() not in seen
        ):
            continue
        seen.add(formal.lower())
        style = len(chosen) % 3
        body = formal.rstrip(".").rstrip()
        if style == 0:
            text = formal
        elif style == 1:
            text = body[0].lower() + body[1:]
        else:
            first, _, rest = body.partition(" ")
            text = rng.choice(CASUAL_OPENERS) + _base_form(first.lower()) + " " + rest
            if rng.random() < 0.5:
                text = text.lower()
        if text in taken:
            continue
        taken.add(text)
        chosen.append(Item("agent", "nl2bash_request", text))
        if len(chosen) == N_REQUESTS:
            break
    return chosen


def _base_form(verb: str) -> str:
    """``prints`` -> ``print``, ``copies`` -> ``copy``, ``searches`` -> ``search``."""
    if len(verb) <= 3 or not verb.endswith("s") or verb.endswith("ss"):
        return verb
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    if verb.endswith(("ches", "shes", "xes", "sses")):
        return verb[:-2]
    return verb[:-1]


def _chunks(seq: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


def split(items: list[Item]) -> tuple[list[Item], list[Item]]:
    """Per category, the round(30%) items with the lowest seeded hash go to held-out.

    Ranking by a hash of (seed, text) rather than shuffling keeps the split stable: adding an
    item to a category moves at most one existing item across, and other categories not at all.
    File order is kept in both parts.
    """
    by_category: defaultdict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        by_category[item.category].append(index)
    held: set[int] = set()
    for indices in by_category.values():
        ranked = sorted(indices, key=lambda index: _rank(items[index].text))
        held.update(ranked[: round(len(ranked) * HELDOUT_SHARE)])
    tune = [item for index, item in enumerate(items) if index not in held]
    heldout = [item for index, item in enumerate(items) if index in held]
    return tune, heldout


def _rank(text: str) -> str:
    return hashlib.sha256(f"{SEED}:{text}".encode()).hexdigest()


def missing_command_words(items: list[Item]) -> list[str]:
    """First words of shell items that this machine's bash would not find (for README)."""
    words = {item.text.split()[0] for item in items if item.label == "shell"}
    words = {w for w in words if _COMMAND_WORD.match(w)}
    missing = []
    for word in sorted(words):
        kind = subprocess.run(
            ["bash", "--norc", "-c", 'type -t -- "$1"', "_", word],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if not kind and shutil.which(word) is None:
            missing.append(word)
    return missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nl2bash", type=Path, default=DEFAULT_NL2BASH)
    args = parser.parse_args()

    hand = read_source(SOURCES / "handwritten.txt")
    held_only = read_source(SOURCES / "heldout_only.txt")
    taken = {item.text for item in hand + held_only}
    if len(taken) != len(hand) + len(held_only):
        dupes = Counter(item.text for item in hand + held_only)
        raise SystemExit(f"duplicate texts: {[t for t, n in dupes.items() if n > 1]}")

    cm = (args.nl2bash / "all.cm").read_text(encoding="utf-8").splitlines()
    nl = (args.nl2bash / "all.nl").read_text(encoding="utf-8").splitlines()
    commands = sample_commands(cm, taken)
    requests = sample_requests(nl, taken)

    tune, heldout = split(hand + commands + requests)
    heldout += held_only
    dump(tune, TUNE)
    dump(heldout, HELDOUT)

    for name, part in (("tune", tune), ("heldout", heldout), ("all", tune + heldout)):
        print(f"{name}: {len(part)} items, {dict(Counter(i.label for i in part))}")
    print("\n| label | category | tune | heldout | all |\n|---|---|---:|---:|---:|")
    tune_counts, held_counts = counts(tune), counts(heldout)
    for key, total in counts(tune + heldout).items():
        row = f"| {key[0]} | {key[1]} | {tune_counts.get(key, 0)} | {held_counts.get(key, 0)}"
        print(f"{row} | {total} |")
    multiline = sum("\n" in i.text for i in tune + heldout if i.label == "shell")
    print(f"\nmulti-line shell items: {multiline}")
    print(f"shell command words not found here: {missing_command_words(tune + heldout)}")


if __name__ == "__main__":
    main()
