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
from functools import lru_cache

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.style import Style


def freeze_start_up_objects() -> None:
    """Collect start-up's garbage, then move every object alive now out of the collector's
    passes (one full pass, tens of ms, once, as the first frame is up)."""
    gc.collect()
    gc.freeze()


def thaw() -> None:
    """The app is leaving: hand its objects back to the collector."""
    gc.unfreeze()


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    return Style(background=base_background + background), Style(background=base_background)


def _get_inner_outer(
    _cache: StylesCache, base_background: Color, background: Color
) -> tuple[Style, Style]:
    return _inner_outer(base_background, background)


def let_removed_widgets_go() -> None:
    """Textual 8 caches ``StylesCache.get_inner_outer`` with ``lru_cache`` on the method, so
    its key holds the widget's StylesCache, and with it every line that widget last drew,
    for the last 1,024 widgets drawn (Textual issue #6665). Conch removes a command's
    block as a long session folds it away, so a session of 1,000 commands kept ~900 dead
    blocks' lines alive: 73,000 more objects for each full collector pass, whose time per
    command grew from 1.3 to 3.8 ms, and Enter -> frame with it (last/first 1.34 over 1,000
    commands). The same colours, cached by the colours alone; left alone once Textual no
    longer caches it that way."""
    if hasattr(StylesCache.get_inner_outer, "cache_info"):
        setattr(StylesCache, "get_inner_outer", _get_inner_outer)  # noqa: B010
