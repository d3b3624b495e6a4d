"""Conch's feature plugins: shell mode logic and its Textual integration.

Discovered by the core app through the ``conch.plugins`` entry-point group.
"""
