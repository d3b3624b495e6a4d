"""Test peers: stand-ins for the servers and agents Conch talks to."""
