"""A streamed agent answer in the real app: what the rows on screen show."""

from __future__ import annotations

import time

from rich.segment import Segment
from textual.geometry import Region
from textual.pilot import Pilot

from conch.agents.events import MessageChunk, TurnContext, TurnEnded
from conch.tui.app import ConchApp
from conch.tui.widgets.agent_turn import SEGMENT_CHARS, AgentTurn
from conch.tui.widgets.markdown_segment import MarkdownSegment
from conch.tui.widgets.markdown_split import find_cut
from tests.pilot.conftest import AppFactory, wait_for_shell

ANSWER = """# Fixing the parser

The bug is in **parse()**: it splits on *any* whitespace, so `a  b` gives an empty field.

## Steps

1. read the **failing** test
2. fix `parse()`
3. run the suite

- keep the old behaviour for tabs
- add a test for double spaces

```python
def parse(line):
    return line.split(" ")
```

| name | status |
|------|--------|
| parse | fixed |
| lex | untouched |

Done.
"""


async def stream(pilot: Pilot[None], text: str, size: int = 7) -> AgentTurn:
    """Send ``text`` in small chunks to a new turn, as a backend would, and end the turn."""
    app = pilot.app
    assert isinstance(app, ConchApp)
    cwd = app.start_cwd
    context = TurnContext(cwd, "agent", "local", "fake-model", time.time(), cwd)
    turn = AgentTurn("fix the parser", context)
    await app.conversation.add_block(turn)
    for index, start in enumerate(range(0, len(text), size)):
        await turn.apply(MessageChunk(text[start : start + size]))
        if index % 20 == 0:
            await pilot.pause()  # let flushes happen mid-stream, as they do live
    await turn.apply(TurnEnded("end_turn"))
    await pilot.pause()
    return turn


def shown_rows(turn: AgentTurn) -> list[list[Segment]]:
    """Each row of the turn's answer as drawn: the segments of every line."""
    rows: list[list[Segment]] = []
    for segment in turn.query(MarkdownSegment):
        rows += [list(strip) for strip in segment.render_lines(Region(0, 0, *segment.outer_size))]
    return rows


def row_text(row: list[Segment]) -> str:
    return "".join(segment.text for segment in row).strip()


def styled(rows: list[list[Segment]], text: str) -> list[Segment]:
    return [segment for row in rows for segment in row if segment.text.strip() == text]


async def test_streamed_markdown_shows_headings_lists_code_and_tables(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 60)) as pilot:
        await wait_for_shell(pilot)
        turn = await stream(pilot, ANSWER)
        rows = shown_rows(turn)
        texts = [row_text(row) for row in rows]

        assert "Fixing the parser" in texts and "# Fixing the parser" not in texts
        assert "Steps" in texts
        assert "1. read the failing test" in texts
        assert "• keep the old behaviour for tabs" in texts
        assert "def parse(line):" in texts
        assert 'return line.split(" ")' in texts
        header = next(text for text in texts if text.startswith("name"))
        assert header.split() == ["name", "status"]
        assert any(text.split() == ["lex", "untouched"] for text in texts)
        assert not any("**" in text or "```" in text or "|---" in text for text in texts)

        (failing,) = styled(rows, "failing")
        assert failing.style is not None and failing.style.bold
        (any_,) = styled(rows, "any")
        assert any_.style is not None and any_.style.italic
        code_row = rows[texts.index("def parse(line):")]
        colours = {
            segment.style.color for segment in code_row if segment.style and segment.text.strip()
        }
        assert len(colours) > 1, "the fence is syntax highlighted"
        assert turn.answer_text == ANSWER


async def test_a_long_answer_stays_a_few_widgets_and_loses_no_text(
    make_app: AppFactory,
) -> None:
    paragraphs = [f"Paragraph {n} says **something {n}** about the code." for n in range(60)]
    code = "\n".join(f"    total += item_{n}  # line {n}" for n in range(150))
    answer = (
        "\n\n".join(paragraphs[:30])
        + f"\n\n```python\n{code}\n```\n\n"
        + "\n\n".join(paragraphs[30:])
    )
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for_shell(pilot)
        turn = await stream(pilot, answer, size=40)
        segments = list(turn.query(MarkdownSegment))
        rows = shown_rows(turn)
        texts = [row_text(row) for row in rows]

        assert "".join(segment.source for segment in segments) == answer
        assert 2 < len(segments) <= len(answer) // SEGMENT_CHARS + 2
        for n in range(60):
            assert texts.count(f"Paragraph {n} says something {n} about the code.") == 1
        for n in range(150):
            assert texts.count(f"total += item_{n}  # line {n}") == 1
        assert not any("```" in text for text in texts)
        last_code_row = rows[texts.index("total += item_149  # line 149")]
        colours = {segment.style.color for segment in last_code_row if segment.style}
        assert len(colours) > 1, "code cut into two segments is still highlighted"


def test_a_cut_falls_between_paragraphs_not_inside_a_fence() -> None:
    source = "intro\n\n```python\nx = 1\n\ny = 2\n```\nafter\n"
    cut = find_cut(source, limit=30)
    assert cut is not None and source[: cut.offset] == "intro\n\n" and cut.preamble == ""


def test_a_long_fence_is_cut_at_a_line_and_reopened() -> None:
    source = "```python\na = 1\nb = 2\nc = 3"
    cut = find_cut(source, limit=30)
    assert cut is not None and source[cut.offset :] == "c = 3" and cut.preamble == "```python\n"
