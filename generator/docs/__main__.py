"""The command line: `python -m generator.docs SPEC SITE_DIR`."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from ..config import load_config
from ..errors import GeneratorError, SpecError, format_warnings
from .site import build_site

DESCRIPTION = """\
Build the API reference site for an OpenAPI document into SITE_DIR: index.html with its
stylesheet and script, and openapi.json with code samples on every operation. Nothing
is written unless the whole site was built.
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Build the site; returns the exit status (0 ok, 1 failed or would change)."""
    parser = argparse.ArgumentParser(
        prog="python -m generator.docs", description=DESCRIPTION
    )
    parser.add_argument(
        "spec", type=Path, metavar="SPEC", help="the root file of the document"
    )
    parser.add_argument(
        "site", type=Path, metavar="SITE_DIR", help="where the site goes"
    )
    parser.add_argument(
        "--config", type=Path, metavar="FILE",
        help="the generator config (default: generator.yaml beside SPEC, if any)",
    )  # fmt: skip
    parser.add_argument(
        "--check", action="store_true",
        help="write nothing; exit 1 if the site would change",
    )  # fmt: skip
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)

    started = time.perf_counter()
    try:
        # Without --config, the document is read before its config, so that a wrong
        # path to the document is what gets reported.
        config = load_config(args.spec, args.config) if args.config else None
        result = build_site(args.spec, args.site, config, check=args.check)
    except SpecError as error:
        print(error, file=sys.stderr)
        print("Nothing was written.", file=sys.stderr)
        return 1
    except GeneratorError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1

    if result.warnings:
        print(format_warnings(result.warnings), file=sys.stderr)
    if args.check:
        for change in result.changes:
            print(f"  {change.action}: {change.path}", file=sys.stderr)
        return 1 if result.changes else 0
    size = sum(len(content) for content in result.files.values())
    print(
        f"Built {len(result.files)} files ({size / 1024:.0f} KiB) into {args.site} in "
        f"{time.perf_counter() - started:.2f} s; {len(result.changes)} changed.",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
