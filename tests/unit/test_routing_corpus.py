"""The routing corpus (bench/routing_corpus): it loads, is big and varied enough, and its
shell lines really are shell. The router itself is measured elsewhere."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

CORPUS_DIR = Path(__file__).resolve().parents[2] / "bench" / "routing_corpus"


def _import(name: str) -> ModuleType:
    """Import a module of bench/routing_corpus by path (bench is not a package)."""
    qualified = f"routing_corpus_{name}"
    if qualified in sys.modules:
        return sys.modules[qualified]
    spec = importlib.util.spec_from_file_location(qualified, CORPUS_DIR / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[qualified] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


corpus = _import("load")
bash_syntax = _import("bash_syntax")

FILES = {
    "tune": corpus.TUNE,
    "heldout": corpus.HELDOUT,
    "heldout2": corpus.HELDOUT2,
    "heldout3": corpus.HELDOUT3,
    "heldout4": corpus.HELDOUT4,
}


@pytest.fixture(scope="module")
def parts() -> dict[str, list[Any]]:
    return {name: corpus.load(path) for name, path in FILES.items()}


@pytest.fixture(scope="module")
def everything(parts: dict[str, list[Any]]) -> list[Any]:
    return (
        parts["tune"] + parts["heldout"] + parts["heldout2"] + parts["heldout3"] + parts["heldout4"]
    )


def test_both_files_load_with_known_labels(parts: dict[str, list[Any]]) -> None:
    for items in parts.values():
        assert items
        assert {item.label for item in items} <= corpus.LABELS


def test_items_are_frozen(everything: list[Any]) -> None:
    with pytest.raises(AttributeError):
        everything[0].text = "changed"


def test_escapes_are_undone_on_load(everything: list[Any]) -> None:
    texts = {item.text for item in everything}
    assert 'for f in *.log; do\n  gzip "$f"\ndone' in texts
    # A backslash-n the user typed stays two characters.
    assert 'echo -e "line1\\nline2"' in texts


def test_stored_rows_are_in_canonical_escaped_form() -> None:
    for path in FILES.values():
        for row in path.read_text(encoding="utf-8").splitlines():
            field = row.split("\t")[2]
            assert corpus.escape(corpus.unescape(field)) == field


@pytest.mark.parametrize(
    "text",
    [
        "printf '%s\\n' a b",
        "find . -exec rm {} \\;",
        "docker run \\\n  -it ubuntu",
        "echo a\\\\nb",
        "trailing\\",
        "tab\there",
        "\\\\\\n\n\\",
    ],
)
def test_escape_and_unescape_round_trip_awkward_backslashes(text: str) -> None:
    stored = corpus.escape(text)
    assert "\n" not in stored and "\t" not in stored
    assert corpus.unescape(stored) == text


def test_a_bad_row_is_rejected_with_its_line_number(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("shell\tsimple_command\tls\nrun\tsimple_command\tls\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.tsv:2: unknown label 'run'"):
        corpus.load(path)


def test_corpus_meets_the_minimum_sizes(everything: list[Any]) -> None:
    labels = Counter(item.label for item in everything)
    categories = Counter(item.category for item in everything)
    requests = [
        i
        for i in everything
        if i.label == "agent" and i.category not in {"conversation", "ambiguous"}
    ]
    assert len(everything) >= 800
    assert labels["shell"] >= 250
    assert categories["nl2bash_command"] >= 100
    assert len(requests) >= 250
    assert categories["casual_request"] >= 120
    assert categories["conversation"] >= 60
    assert categories["typo"] >= 80
    assert labels["typo"] >= 80
    assert sum("\n" in i.text for i in everything if i.label == "shell") >= 40


def test_no_text_appears_twice_within_or_across_files(everything: list[Any]) -> None:
    repeated = [text for text, n in Counter(i.text for i in everything).items() if n > 1]
    assert repeated == []


def test_no_item_starts_with_a_conch_override_prefix(everything: list[Any]) -> None:
    assert [i.text for i in everything if i.text.lstrip()[:1] in {"!", "?"}] == []


@pytest.mark.parametrize("name", FILES)
def test_every_shell_and_typo_item_parses_with_bash_n(
    name: str, parts: dict[str, list[Any]]
) -> None:
    runnable = [i.text for i in parts[name] if i.label in {"shell", "typo"}]
    assert bash_syntax.unparsable(runnable) == []


def test_the_syntax_check_does_catch_broken_lines() -> None:
    lines = ["ls -la", "echo 'unterminated", "if true; then", "-la", "for x in; do\n:\ndone"]
    assert bash_syntax.unparsable(lines) == ["echo 'unterminated", "if true; then"]


def test_heldout_has_every_category_and_about_a_third(parts: dict[str, list[Any]]) -> None:
    tune, heldout = parts["tune"], parts["heldout"]
    assert {i.category for i in heldout} == {i.category for i in tune}
    share = len(heldout) / (len(tune) + len(heldout))
    assert 0.25 <= share <= 0.40


def test_hard_cases_carry_the_documented_labels(everything: list[Any]) -> None:
    label = {i.text: i.label for i in everything}
    assert label["exit"] == "shell"
    assert label["yes"] == "agent"
    assert label["make the failing tests pass"] == "agent"
    assert label["git stauts"] == "shell"
    assert label["gti status"] == "typo"
    assert label["cd.."] == "typo"


def test_counts_tally_by_label_and_category(parts: dict[str, list[Any]]) -> None:
    first_two = parts["tune"] + parts["heldout"]  # heldout2 splits typos into more categories
    tally = corpus.counts(first_two)
    assert sum(tally.values()) == len(first_two)
    assert tally[("typo", "typo")] == sum(1 for i in first_two if i.label == "typo")
    assert list(tally) == sorted(tally)
