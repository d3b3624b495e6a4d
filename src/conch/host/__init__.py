"""The Conch host: the one process per user that runs sessions, and its clients' door.

Clients (the Textual app, later a plain line client) reach the host over a
Unix socket that only the same user can open. Nothing in this package imports
Textual or the TUI; a test enforces it.
"""
