"""Settings for every test."""

import os

from generator.launch import SWITCH

# A generator command started by a test runs in its own process, as in CI: a
# generation server it started would outlive the test. The tests of the server
# (tests/generator/test_server.py) turn it on for the commands they start.
os.environ[SWITCH] = "0"
