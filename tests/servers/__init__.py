"""Servers on 127.0.0.1 that the client tests talk to."""
