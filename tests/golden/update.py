"""Rewrite every golden tree from the current generator (`make golden`)."""

from __future__ import annotations

import sys

from .cases import CASES, expected_dir, render_case


def main() -> int:
    for case in CASES:
        files = render_case(case, expected_dir(case))
        print(f"{case}: {len(files)} files", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
