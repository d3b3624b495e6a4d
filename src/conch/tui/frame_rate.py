"""Let Textual draw a change sooner after the frame before it.

Textual paces frames at TEXTUAL_FPS (60 by default): output that arrives just after a
frame waited up to 16.7 ms for the next one, about a third of Enter → an `echo`'s output
here. Frames are drawn only when something changed, so an idle or flooded screen costs
no more. Read once when Textual is imported; not left in the environment, where programs
run in the session shell would see it.
"""

from __future__ import annotations

import os

FRAMES_PER_SECOND = "240"


def raise_frame_rate() -> None:
    """Call before anything imports Textual; a TEXTUAL_FPS the user set wins."""
    if "TEXTUAL_FPS" in os.environ:
        return
    os.environ["TEXTUAL_FPS"] = FRAMES_PER_SECOND
    try:
        import textual.constants  # noqa: F401  (reads the variable, once)
    finally:
        del os.environ["TEXTUAL_FPS"]
