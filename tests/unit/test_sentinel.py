"""SentinelScanner: program output vs the prompt sentinel, however the reads split it."""

from __future__ import annotations

import pytest

from conch_plugins.shell_mode.sentinel import END, START, ScanResult, Sentinel, SentinelScanner


def sentinel_bytes(status: int | str, cwd: str | bytes) -> bytes:
    cwd_bytes = cwd if isinstance(cwd, bytes) else cwd.encode()
    return START + str(status).encode() + b":" + cwd_bytes + END


def feed_all(scanner: SentinelScanner, chunks: list[bytes]) -> tuple[bytes, list[ScanResult]]:
    """Feed chunks until a sentinel; return the output released and the results."""
    output = b""
    results: list[ScanResult] = []
    for chunk in chunks:
        result = scanner.feed(chunk)
        results.append(result)
        output += result.output
        if result.sentinel is not None:
            break
    return output, results


STREAM_OUTPUT = b"hello\r\n\x1b[31mred\x1b[0m \x1f lone unit separator\r\n"
STREAM = STREAM_OUTPUT + sentinel_bytes(0, "/home/user/dir") + b"after"


def test_output_without_a_sentinel_passes_through() -> None:
    result = SentinelScanner().feed(b"just output\r\n")
    assert result == ScanResult(output=b"just output\r\n")


def test_sentinel_in_one_chunk_is_parsed() -> None:
    result = SentinelScanner().feed(b"out\r\n" + sentinel_bytes(0, "/tmp") + b"rest")
    assert result.output == b"out\r\n"
    assert result.sentinel == Sentinel(exit_status=0, cwd="/tmp")
    assert result.rest == b"rest"


def test_sentinel_alone_gives_empty_output() -> None:
    result = SentinelScanner().feed(sentinel_bytes(130, "/"))
    assert result.output == b""
    assert result.sentinel == Sentinel(exit_status=130, cwd="/")
    assert result.rest == b""


@pytest.mark.parametrize("offset", range(len(STREAM) + 1))
def test_sentinel_split_at_every_byte_offset_is_found(offset: int) -> None:
    chunks = [STREAM[:offset], STREAM[offset:]]
    output, results = feed_all(SentinelScanner(), chunks)
    assert output == STREAM_OUTPUT
    assert results[-1].sentinel == Sentinel(exit_status=0, cwd="/home/user/dir")
    # What follows the sentinel: its chunk's rest, then any chunk not fed yet.
    assert results[-1].rest + b"".join(chunks[len(results) :]) == b"after"


def test_sentinel_split_into_three_chunks_anywhere_is_found() -> None:
    for first in range(len(STREAM) + 1):
        for second in range(first, len(STREAM) + 1):
            chunks = [STREAM[:first], STREAM[first:second], STREAM[second:]]
            output, results = feed_all(SentinelScanner(), chunks)
            assert output == STREAM_OUTPUT, (first, second)
            assert results[-1].sentinel == Sentinel(0, "/home/user/dir"), (first, second)


def test_sentinel_fed_one_byte_at_a_time_is_found() -> None:
    chunks = [STREAM[index : index + 1] for index in range(len(STREAM))]
    output, results = feed_all(SentinelScanner(), chunks)
    assert output == STREAM_OUTPUT
    assert results[-1].sentinel == Sentinel(0, "/home/user/dir")


@pytest.mark.parametrize("size", range(1, len(START)))
def test_held_partial_prefix_that_is_not_a_sentinel_is_released(size: int) -> None:
    scanner = SentinelScanner()
    first = scanner.feed(b"text" + START[:size])
    assert first.output == b"text"
    assert first.sentinel is None
    second = scanner.feed(b"not a sentinel")
    assert second.output == START[:size] + b"not a sentinel"
    assert second.sentinel is None


@pytest.mark.parametrize("size", range(1, len(START)))
def test_held_partial_prefix_that_is_a_sentinel_is_not_released(size: int) -> None:
    scanner = SentinelScanner()
    whole = sentinel_bytes(1, "/x")
    assert scanner.feed(b"abc" + whole[:size]).output == b"abc"
    result = scanner.feed(whole[size:])
    assert result.output == b""
    assert result.sentinel == Sentinel(1, "/x")


def test_held_byte_before_a_real_sentinel_is_released_as_output() -> None:
    scanner = SentinelScanner()
    assert scanner.feed(b"abc\x1f").output == b"abc"
    result = scanner.feed(b"\x1f" + sentinel_bytes(1, "/x"))
    assert result.output == b"\x1f\x1f"
    assert result.sentinel == Sentinel(1, "/x")


def test_nothing_is_held_when_the_tail_cannot_start_a_sentinel() -> None:
    assert SentinelScanner().feed(b"ends with \x1e").output == b"ends with \x1e"
    assert SentinelScanner().feed(b"ends with CONCH:").output == b"ends with CONCH:"


def test_unfinished_sentinel_waits_for_its_end() -> None:
    scanner = SentinelScanner()
    first = scanner.feed(b"out" + START + b"0:/some/pa")
    assert first.output == b"out"
    assert first.sentinel is None
    second = scanner.feed(b"th" + END)
    assert second.output == b""
    assert second.sentinel == Sentinel(0, "/some/path")


def test_only_the_first_sentinel_is_reported_and_the_rest_is_kept() -> None:
    data = sentinel_bytes(0, "/a") + sentinel_bytes(1, "/b")
    result = SentinelScanner().feed(data)
    assert result.sentinel == Sentinel(0, "/a")
    assert result.rest == sentinel_bytes(1, "/b")


@pytest.mark.parametrize(
    ("cwd", "parsed"),
    [
        (b"/", "/"),
        (b"/tmp/with:colon:s", "/tmp/with:colon:s"),
        (b"/tmp/with space", "/tmp/with space"),
        ("/tmp/ünï/日本".encode(), "/tmp/ünï/日本"),
        (b"/tmp/bad\xffbyte", "/tmp/bad\udcffbyte"),
        (b"", ""),
    ],
)
def test_cwd_is_parsed(cwd: bytes, parsed: str) -> None:
    result = SentinelScanner().feed(sentinel_bytes(0, cwd))
    assert result.sentinel == Sentinel(0, parsed)


@pytest.mark.parametrize("status", [0, 1, 2, 127, 130, 255])
def test_exit_status_is_parsed(status: int) -> None:
    result = SentinelScanner().feed(sentinel_bytes(status, "/"))
    assert result.sentinel is not None
    assert result.sentinel.exit_status == status


def test_garbled_exit_status_becomes_minus_one() -> None:
    result = SentinelScanner().feed(sentinel_bytes("oops", "/"))
    assert result.sentinel == Sentinel(-1, "/")


def test_reset_drops_a_held_partial_prefix() -> None:
    scanner = SentinelScanner()
    assert scanner.feed(b"x" + START[:3]).output == b"x"
    scanner.reset()
    assert scanner.feed(b"y").output == b"y"


def test_large_output_passes_through_unchanged() -> None:
    chunk = b"0123456789abcdef\r\n" * 4000
    scanner = SentinelScanner()
    released = b"".join(scanner.feed(chunk).output for _ in range(20))
    assert released == chunk * 20


def test_a_marker_without_the_sessions_token_is_plain_output() -> None:
    forged = sentinel_bytes(0, "/etc")
    result = SentinelScanner("f00d").feed(b"out " + forged + b" more")
    assert result == ScanResult(output=b"out " + forged + b" more")


def test_a_marker_with_the_sessions_token_ends_the_command_even_split() -> None:
    real = START + b"f00d:" + b"1:/tmp" + END
    output, results = feed_all(SentinelScanner("f00d"), [b"x" + real[:9], real[9:] + b"rest"])
    assert output == b"x"
    assert results[-1].sentinel == Sentinel(exit_status=1, cwd="/tmp")
    assert results[-1].rest == b"rest"
