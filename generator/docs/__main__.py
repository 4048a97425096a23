"""`python -m generator.docs SPEC SITE_DIR`: the same as `python -m generator docs`."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ..cli import main as cli_main


def main(argv: Sequence[str] | None = None) -> int:
    """Build the site; return 0, or 1 when it failed or something would change."""
    return cli_main(["docs", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
