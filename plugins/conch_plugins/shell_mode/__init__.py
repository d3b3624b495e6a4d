"""Shell mode: the session shell, execution modes, routing and cwd logic.

Plain Python: this package must never import Textual, so other front ends and
tests can use it alone.
"""
