"""``conch attach``: a Textual client of one host session.

Everything here but the ``tui`` package is plain Python (the feed of conversation items and
the link to the host), testable without Textual; only ``tui`` imports it.
"""
