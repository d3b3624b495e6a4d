"""Which lines bash cannot parse: ``bash -n`` on each, from one bash process per call.

Used by build.py (to keep only nl2bash one-liners that parse) and by the corpus test (every
``shell`` and ``typo`` item must parse). ``-n`` reads without executing, so nothing here ever
runs a line. Stdlib only.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable

# One outer bash reads NUL-separated items and runs `bash -n -c` on each (about 1.5 ms an
# item), echoing back the ones that fail. A Python subprocess per item costs several times more.
_CHECK_EACH = r"""
while IFS= read -r -d '' item; do
  bash -n -c -- "$item" 2>/dev/null || printf '%s\0' "$item"
done
"""


def unparsable(texts: Iterable[str]) -> list[str]:
    """The texts that ``bash -n`` rejects, in input order."""
    items = list(texts)
    if any("\0" in text for text in items):
        raise ValueError("a text contains NUL, which bash cannot hold")
    env = {key: value for key, value in os.environ.items() if key not in {"BASH_ENV", "ENV"}}
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", _CHECK_EACH],
        input="".join(f"{text}\0" for text in items),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    return [text for text in result.stdout.split("\0") if text]
