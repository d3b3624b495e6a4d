"""Conch: one prompt for your real shell and a coding agent."""

__version__ = "0.1.0"
