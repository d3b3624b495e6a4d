"""Keep the garbage collector's full pass short while output floods in.

Python's oldest-generation collection walks every tracked object: after start-up that is
Textual, Rich, the conversation's widgets and every module loaded, and in a flood it ran in
the window's event loop for 83 ms, the worst delay of a key typed meanwhile
(`bench/flood_tmux.py`: max 76-92 ms against a median of 6-10 ms). What start-up made lives
as long as the app, so it is frozen out of the collector's walks once the first frame is up;
later passes walk only what came after.
"""

from __future__ import annotations

import gc


def freeze_start_up_objects() -> None:
    """Move every object alive now out of the collector's passes (it is never freed: it lives
    as long as the app). Cheap: the generations' lists are spliced, nothing is walked."""
    gc.freeze()
