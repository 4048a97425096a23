"""`python -m generator`: see `generator.cli`, and `generator.launch` for how a
command may be answered by the generation server."""

import sys

from .launch import run_command

sys.exit(run_command(sys.argv[1:]))
