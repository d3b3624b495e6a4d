"""BoundedOutput: lines from raw pty text, a memory cap, and the spool file."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from conch.output_buffer import MAX_LINE_CHARS, PARSE_AFTER, BoundedOutput


@pytest.fixture
def spool_dir(tmp_path: Path) -> Path:
    return tmp_path / "spool"


def feed(buffer: BoundedOutput, *chunks: str) -> BoundedOutput:
    for chunk in chunks:
        buffer.append(chunk)
    return buffer


def spool_text(buffer: BoundedOutput) -> str:
    buffer.close()
    assert buffer.spool_path is not None
    return buffer.spool_path.read_bytes().decode("utf-8")


# -- lines ---------------------------------------------------------------------------


def test_complete_lines_are_split(spool_dir: Path) -> None:
    buffer = feed(BoundedOutput(100, spool_dir), "one\ntwo\nthree\n")
    assert buffer.snapshot() == ["one", "two", "three"]
    assert buffer.total_lines == 3
    assert buffer.text() == "one\ntwo\nthree"


def test_a_flood_parsed_in_big_pieces_keeps_its_last_lines_and_every_line_counted(
    spool_dir: Path,
) -> None:
    """Reads of a few KB pile up unparsed; the piece past the cap keeps only its tail."""
    buffer = BoundedOutput(1000, spool_dir)
    buffer.append("a partial line that the flood's first newline ends")
    lines = [f"{number}\r\n" for number in range(1, 200_001)]
    for start in range(0, len(lines), 300):
        buffer.append("".join(lines[start : start + 300]))
    buffer.append("the unfinished last line")
    assert len("".join(lines)) > PARSE_AFTER  # some pieces were parsed in append itself
    shown = buffer.snapshot()
    assert shown[:2] == ["199001", "199002"]
    assert shown[-2:] == ["200000", "the unfinished last line"]
    assert len(shown) == 1001 and buffer.total_lines == 200_000
    assert buffer.dropped_lines == 199_000
    assert spool_text(buffer).startswith("a partial line that the flood's first newline ends1\r\n")


def test_a_partial_line_ended_in_a_piece_that_survives_the_cap_is_joined(spool_dir: Path) -> None:
    buffer = feed(BoundedOutput(1000, spool_dir), "start of ", "a line\nnext\n")
    assert buffer.snapshot() == ["start of a line", "next"]


def test_a_crlf_cut_between_two_reads_ends_one_line(spool_dir: Path) -> None:
    buffer = feed(BoundedOutput(100, spool_dir), "one\r", "\ntwo\r\n")
    assert buffer.snapshot() == ["one", "two"] and buffer.total_lines == 2


def test_lines_split_across_appends_join(spool_dir: Path) -> None:
    buffer = feed(BoundedOutput(100, spool_dir), "hel", "lo\nwor", "ld", "\n", "!")
    assert buffer.snapshot() == ["hello", "world", "!"]
    assert buffer.total_lines == 2


def test_unfinished_last_line_is_shown_but_not_counted(spool_dir: Path) -> None:
    buffer = feed(BoundedOutput(100, spool_dir), "Password: ")
    assert buffer.snapshot() == ["Password: "]
    assert buffer.total_lines == 0


def test_empty_lines_are_kept(spool_dir: Path) -> None:
    buffer = feed(BoundedOutput(100, spool_dir), "a\n\n\nb\n")
    assert buffer.snapshot() == ["a", "", "", "b"]


def test_empty_buffer_has_no_lines(spool_dir: Path) -> None:
    buffer = BoundedOutput(100, spool_dir)
    assert buffer.snapshot() == []
    assert buffer.text() == ""
    assert buffer.total_lines == 0
    assert buffer.dropped_lines == 0


def test_crlf_is_normalised(spool_dir: Path) -> None:
    buffer = feed(BoundedOutput(100, spool_dir), "one\r\ntwo\r\n")
    assert buffer.snapshot() == ["one", "two"]


def test_crlf_split_across_appends_is_normalised(spool_dir: Path) -> None:
    buffer = feed(BoundedOutput(100, spool_dir), "one\r", "\ntwo\r", "\n")
    assert buffer.snapshot() == ["one", "two"]
    assert buffer.total_lines == 2


def test_carriage_return_keeps_what_is_shown_last(spool_dir: Path) -> None:
    buffer = feed(BoundedOutput(100, spool_dir), "10%\r50%\r100%\ndone\n")
    assert buffer.snapshot() == ["100%", "done"]


def test_progress_bar_redrawn_across_appends_shows_the_latest(spool_dir: Path) -> None:
    buffer = BoundedOutput(100, spool_dir)
    buffer.append("\r[#   ] 25%")
    assert buffer.snapshot() == ["[#   ] 25%"]
    buffer.append("\r[##  ] 50%")
    assert buffer.snapshot() == ["[##  ] 50%"]
    buffer.append("\r[####] 100%\n")
    assert buffer.snapshot() == ["[####] 100%"]
    assert buffer.total_lines == 1


def test_trailing_carriage_return_in_one_append_keeps_the_text(spool_dir: Path) -> None:
    buffer = feed(BoundedOutput(100, spool_dir), "working\r\r\nnext\n")
    assert buffer.snapshot() == ["working", "next"]


def test_cursor_movement_sequences_are_dropped(spool_dir: Path) -> None:
    buffer = feed(BoundedOutput(100, spool_dir), "\x1b[2Kloading\x07\n")
    assert buffer.snapshot() == ["loading"]


# -- the cap ---------------------------------------------------------------------------


def test_cap_keeps_the_last_lines(spool_dir: Path) -> None:
    buffer = feed(BoundedOutput(3, spool_dir), "".join(f"{n}\n" for n in range(10)))
    assert buffer.snapshot() == ["7", "8", "9"]
    assert buffer.total_lines == 10
    assert buffer.dropped_lines == 7


def test_cap_holds_for_many_small_appends(spool_dir: Path) -> None:
    buffer = feed(BoundedOutput(5, spool_dir), *(f"line {n}\n" for n in range(1000)))
    assert buffer.snapshot() == [f"line {n}" for n in range(995, 1000)]
    assert buffer.total_lines == 1000
    assert buffer.dropped_lines == 995


def test_cap_counts_the_unfinished_line_separately(spool_dir: Path) -> None:
    buffer = feed(BoundedOutput(2, spool_dir), "a\nb\nc\npartial")
    assert buffer.snapshot() == ["b", "c", "partial"]
    assert buffer.dropped_lines == 1


def test_max_lines_below_one_keeps_one_line(spool_dir: Path) -> None:
    buffer = feed(BoundedOutput(0, spool_dir), "a\nb\n")
    assert buffer.max_lines == 1
    assert buffer.snapshot() == ["b"]


def test_huge_output_keeps_only_the_tail_in_memory(spool_dir: Path) -> None:
    buffer = BoundedOutput(100, spool_dir)
    chunk = "".join(f"{n}\n" for n in range(10_000))
    for _ in range(20):
        buffer.append(chunk)
    assert len(buffer.snapshot()) == 100
    assert buffer.snapshot()[-1] == "9999"
    assert buffer.total_lines == 200_000
    buffer.close()


# -- the spool file ----------------------------------------------------------------------


def test_under_the_cap_no_file_is_created(spool_dir: Path) -> None:
    buffer = feed(BoundedOutput(3, spool_dir), "a\n", "b\n", "c\n")
    buffer.close()
    assert buffer.spool_path is None
    assert not spool_dir.exists() or not any(spool_dir.iterdir())


def test_over_the_cap_the_file_holds_everything_from_the_first_byte(spool_dir: Path) -> None:
    chunks = ["\x1b[32mgreen\x1b[0m\r\n", "10%\r100%\n", "a\nb", "\nc\n", "d\n", "tail"]
    buffer = feed(BoundedOutput(3, spool_dir), *chunks)
    assert buffer.spool_path is not None
    assert buffer.spool_path.parent == spool_dir
    assert spool_text(buffer) == "".join(chunks)


def test_without_a_spool_dir_the_tail_is_kept_and_no_file_is_made() -> None:
    """Over the cap and over the byte limit: either would start a spool file."""
    buffer = feed(BoundedOutput(3, None), "".join(f"{n}\n" for n in range(10)), "x" * 2_000_000)
    buffer.close()
    assert buffer.spool_path is None
    assert buffer.snapshot()[:3] == ["7", "8", "9"]
    assert buffer.total_lines == 10


def test_output_after_the_spool_starts_is_written_to_it(spool_dir: Path) -> None:
    buffer = BoundedOutput(2, spool_dir)
    lines = [f"line {n}\n" for n in range(50)]
    feed(buffer, *lines)
    assert spool_text(buffer) == "".join(lines)


def test_spool_starts_on_the_line_that_passes_the_cap(spool_dir: Path) -> None:
    buffer = feed(BoundedOutput(3, spool_dir), "1\n2\n3\n")
    assert buffer.spool_path is None
    buffer.append("4\n")
    assert buffer.spool_path is not None
    assert buffer.spool_path.exists()


def test_long_output_without_newlines_is_spooled(spool_dir: Path) -> None:
    blob = "x" * ((1 << 20) + 10)
    buffer = feed(BoundedOutput(100, spool_dir), blob[:1000], blob[1000:])
    assert buffer.spool_path is not None
    assert spool_text(buffer) == blob


def test_each_buffer_gets_its_own_spool_file(spool_dir: Path) -> None:
    first = feed(BoundedOutput(1, spool_dir), "a\nb\n")
    second = feed(BoundedOutput(1, spool_dir), "c\nd\n")
    assert first.spool_path != second.spool_path
    assert spool_text(first) == "a\nb\n"
    assert spool_text(second) == "c\nd\n"


def test_close_twice_is_harmless(spool_dir: Path) -> None:
    buffer = feed(BoundedOutput(1, spool_dir), "a\nb\n")
    buffer.close()
    buffer.close()


# -- version and threads -------------------------------------------------------------------


def test_version_bumps_on_every_append(spool_dir: Path) -> None:
    buffer = BoundedOutput(10, spool_dir)
    versions = [buffer.version]
    for chunk in ["a", "b\n", "", "c\n"]:
        buffer.append(chunk)
        versions.append(buffer.version)
    assert versions == sorted(set(versions))


def test_two_threads_appending_keep_every_line(spool_dir: Path) -> None:
    buffer = BoundedOutput(50, spool_dir)
    per_thread = 5000
    start = threading.Barrier(3)

    def writer(tag: str) -> None:
        start.wait()
        for n in range(per_thread):
            buffer.append(f"{tag}{n}\n")

    threads = [threading.Thread(target=writer, args=(tag,)) for tag in "ab"]
    for thread in threads:
        thread.start()
    start.wait()
    while any(thread.is_alive() for thread in threads):
        snapshot = buffer.snapshot()
        assert len(snapshot) <= 50
    for thread in threads:
        thread.join()

    assert buffer.total_lines == 2 * per_thread
    assert buffer.dropped_lines == 2 * per_thread - 50
    assert all(line[0] in "ab" and line[1:].isdigit() for line in buffer.snapshot())
    spooled = spool_text(buffer).splitlines()
    assert len(spooled) == 2 * per_thread
    for tag in "ab":
        assert [line for line in spooled if line[0] == tag] == [
            f"{tag}{n}" for n in range(per_thread)
        ]
    assert buffer.version == 2 * per_thread


def test_carriage_return_at_the_end_of_an_append_still_redraws_the_line(tmp_path: Path) -> None:
    buffer = BoundedOutput(100, tmp_path / "spool")
    for chunk in ["10%\r", "20%\r", "done\n"]:
        buffer.append(chunk)
    assert buffer.snapshot() == ["done"]


def test_progress_shown_mid_stream_is_the_latest_redraw(tmp_path: Path) -> None:
    buffer = BoundedOutput(100, tmp_path / "spool")
    buffer.append("10%\r")
    buffer.append("20%\r")
    assert buffer.snapshot() == ["20%"]


# -- what a terminal would show ---------------------------------------------------------


def test_carriage_return_overwrites_only_what_the_new_text_covers(spool_dir: Path) -> None:
    buffer = feed(BoundedOutput(100, spool_dir), "10%\r5", "\n")
    assert buffer.snapshot() == ["50%"]


def test_erase_to_end_of_line_after_a_carriage_return_clears_the_old_text(
    spool_dir: Path,
) -> None:
    buffer = feed(BoundedOutput(100, spool_dir), "downloading 100%\r\x1b[Kdone\n")
    assert buffer.snapshot() == ["done"]


def test_window_title_and_clipboard_sequences_are_hidden(spool_dir: Path) -> None:
    buffer = feed(
        BoundedOutput(100, spool_dir),
        "\x1b]0;my title\x07before ",
        "\x1b]52;c;aGVsbG8=\x1b\\after\n",
    )
    assert buffer.snapshot() == ["before after"]


def test_an_osc_split_across_appends_is_still_hidden(spool_dir: Path) -> None:
    buffer = feed(BoundedOutput(100, spool_dir), "a\x1b]0;ti", "tle\x07b", "\x1b", "[1mc\n")
    assert buffer.snapshot() == ["ab\x1b[1mc"]


def test_a_ten_megabyte_line_keeps_its_end_in_memory_and_all_of_it_on_disk(
    spool_dir: Path,
) -> None:
    buffer = BoundedOutput(100, spool_dir)
    chunk = "0123456789" * 6554  # one 64 KiB pty read
    for _ in range(160):
        buffer.append(chunk)
    shown = buffer.snapshot()
    assert len(shown) == 1
    assert shown[0].startswith("…") and shown[0].endswith("0123456789")
    assert len(shown[0]) == MAX_LINE_CHARS + 1
    buffer.append("\n")
    assert buffer.total_lines == 1
    assert spool_text(buffer) == chunk * 160 + "\n"


def test_skipped_lines_are_counted_and_what_was_held_is_let_go() -> None:
    buffer = feed(BoundedOutput(100, None), "one\ntwo\npart")
    buffer.skip(1000)
    buffer.append("last\n")
    assert (buffer.total_lines, buffer.snapshot(), buffer.dropped_lines) == (1003, ["last"], 1002)
