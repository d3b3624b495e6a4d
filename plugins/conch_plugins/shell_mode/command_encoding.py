"""Turn what the user typed into one safe physical line for the session bash.

Every command is sent as ``eval $'...'`` on a single line of printable ASCII
(plus UTF-8). Why: the pty's line discipline acts on raw control bytes (^C, ^U,
^D, ^Z…), a multi-line paste would print continuation prompts and run each
line as its own command, and unfinished input would leave bash silently
waiting. As one quoted line the command always parses as a whole; unfinished
input becomes a clear bash syntax error instead of a hang.

The line starts with a space: with ``ignorespace`` in HISTCONTROL (which
conch_init.bash keeps there) bash never records it, even when a user's rc file
turns history on; the wrapper must never reach a history file. It ends with
``__conch_after "$_"`` (conch_init.bash), which drops what a sourced file
recorded once it turned history on, before a ``history -a`` in the user's
PROMPT_COMMAND can append it; passing ``$_`` keeps ``$_`` as the command left it.
"""

from __future__ import annotations

AFTER = '; __conch_after "$_"'
# Canonical-mode ttys buffer at most 4095 bytes per line (N_TTY_BUF_SIZE - 1).
MAX_TTY_LINE = 4000

_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def ansi_c_quote(text: str) -> str:
    """Quote ``text`` as a bash ``$'...'`` string with no control bytes in it."""
    out: list[str] = []
    for char in text:
        escaped = _ESCAPES.get(char)
        if escaped is not None:
            out.append(escaped)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(char)
    return "$'" + "".join(out) + "'"


def normalise_newlines(command: str) -> str:
    """Pasted text may carry CRLF; bash would see a stray ``\\r`` in each word."""
    return command.replace("\r\n", "\n").replace("\r", "\n")


def encode_command(command: str) -> str | None:
    """The line to send for ``command``, or None when it is too long for a tty line.

    Too-long commands are run from a file instead (see ``file_command``).
    """
    line = " eval " + ansi_c_quote(normalise_newlines(command)) + AFTER
    if len(line.encode()) > MAX_TTY_LINE:
        return None
    return line


def file_command(path: str) -> str:
    """The line that runs a command stored in ``path`` (for commands too long to send)."""
    return ' eval "$(< ' + ansi_c_quote(path) + ')"' + AFTER
