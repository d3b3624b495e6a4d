"""Pasted control bytes reach the parser as visible text; keys outside a paste are untouched."""

from __future__ import annotations

from textual import events

from conch.tui.paste_input import PASTE_END, PASTE_START, PasteFilter, PasteSafeParser


def test_an_escape_inside_a_paste_becomes_caret_text() -> None:
    shown = PasteFilter().feed(f"{PASTE_START}echo a\x1bb{PASTE_END}")
    assert shown == f"{PASTE_START}echo a^[b{PASTE_END}"


def test_nul_delete_and_bell_are_shown_but_newlines_and_tabs_kept() -> None:
    shown = PasteFilter().feed(f"{PASTE_START}a\x00b\x7fc\x07\td\ne\r{PASTE_END}")
    assert shown == f"{PASTE_START}a^@b^?c^G\td\ne\r{PASTE_END}"


def test_keys_outside_a_paste_pass_at_once_even_a_lone_escape() -> None:
    paste_filter = PasteFilter()
    assert paste_filter.feed("\x1b") == "\x1b"
    assert paste_filter.feed("ls\x1b[A") == "ls\x1b[A"


def test_markers_split_across_reads_are_still_found() -> None:
    paste_filter = PasteFilter()
    whole = f"x{PASTE_START}a\x1bb{PASTE_END}\x1by"
    pieces = [paste_filter.feed(whole[i : i + 3]) for i in range(0, len(whole), 3)]
    assert "".join(pieces) == f"x{PASTE_START}a^[b{PASTE_END}\x1by"


def test_the_parser_turns_a_paste_with_an_escape_into_one_paste_event_and_no_keys() -> None:
    parser = PasteSafeParser()
    messages = list(parser.feed(f"{PASTE_START}echo a\x1bb{PASTE_END}"))
    assert [type(m) for m in messages] == [events.Paste]
    assert isinstance(messages[0], events.Paste) and messages[0].text == "echo a^[b"
