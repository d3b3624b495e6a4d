"""Textual integration of shell mode: the providers that own mode and cwd."""
