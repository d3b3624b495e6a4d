"""Keep the garbage collector's full pass short while output floods in.

Python's oldest-generation collection walks every tracked object: after start-up that is
Textual, Rich, the app's widgets and every module loaded (~57,000 objects in the app). It
paused a streamed answer 30-60 ms in the app, and in the `conch attach` window, which did
not freeze, it ran 83 ms during a flood: the worst delay of a key typed meanwhile
(`bench/flood_tmux.py`: max 76-102 ms against a median of 6-10 ms). Once the first frame is
up, what start-up left alive is frozen out of the collector's walks (it lives as long as the
app); later passes walk only what came after. Only start-up's objects: a frozen object that
later becomes cyclic garbage is never collected, so the conversation's blocks (folded away
in a long session) are left to the collector. The app thaws it all when it exits (a test
process runs many apps).
"""

from __future__ import annotations

import gc


def freeze_start_up_objects() -> None:
    """Collect start-up's garbage, then move every object alive now out of the collector's
    passes (one full pass, tens of ms, once, as the first frame is up)."""
    gc.collect()
    gc.freeze()


def thaw() -> None:
    """The app is leaving: hand its objects back to the collector."""
    gc.unfreeze()
