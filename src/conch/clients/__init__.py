"""Clients of the Conch host: programs that show a session the host runs.

A client holds no session of its own: the host runs the bash and keeps the journal, and a
client follows the journal's events and sends what its user types.
"""
