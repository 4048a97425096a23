"""The command line: `python -m generator generate|validate ...`."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .config import DEFAULT_CONFIG_NAME, ConfigSource, load_config
from .errors import Diagnostics, GeneratorError, SpecError, format_warnings
from .launch import IDLE, SWITCH
from .pipeline import Session, generate, load_and_validate
from .write import Change

DESCRIPTION = """\
Generate a typed Python client package from an OpenAPI 3.0 or 3.1 document.

Every generated file starts with a line saying it is generated; the output directory
is written only when the whole package has been computed, and only files that changed
are rewritten.
"""


def main(argv: Sequence[str] | None = None, *, session: Session | None = None) -> int:
    """Run the command line; return 0, or 1 when it failed or something would change.

    A generation server passes its `session`, which generating runs share.
    """
    args = _parser().parse_args(argv)
    args.session = session
    try:
        return int(args.run(args))
    except SpecError as error:
        print(error, file=sys.stderr)
        print("Nothing was written.", file=sys.stderr)
        return 1
    except GeneratorError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        # The output directory cannot be read or written (a file stands where a
        # directory should, no permission, a full disk); the write stage has put
        # back whatever it had changed.
        print(f"error: {error}. The output directory is as it was.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; the output directory is as it was.", file=sys.stderr)
        return 130


class _Parser(argparse.ArgumentParser):
    """Options are spelled in full (no `--wat` for `--watch`): `launch` reads them to
    tell whether the generation server may run a command."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{**kwargs, "allow_abbrev": False})


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m generator",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )

    gen = commands.add_parser(
        "generate",
        help="generate the client package from a document",
        description="Generate the client package for SPEC into OUTPUT_DIR.",
    )
    gen.add_argument(
        "spec", type=Path, metavar="SPEC", help="the root file of the document"
    )
    gen.add_argument(
        "output", type=Path, metavar="OUTPUT_DIR", help="where the package goes"
    )
    gen.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help=f"the generator config (default: {DEFAULT_CONFIG_NAME} beside SPEC)",
    )
    gen.add_argument(
        "--package-name",
        metavar="NAME",
        help="the import name; also names the distribution and the client class "
        "when the config does not",
    )
    mode = gen.add_mutually_exclusive_group()
    mode.add_argument(
        "--check",
        action="store_true",
        help="write nothing; list the files that would change and exit 1 if any would",
    )
    mode.add_argument(
        "--watch",
        action="store_true",
        help="generate again whenever the document or the config changes, until "
        "Ctrl-C; a run after a small change takes a fraction of the first",
    )
    _add_common(gen)
    gen.set_defaults(run=_generate)

    val = commands.add_parser(
        "validate",
        help="check a document without generating anything",
        description="Validate SPEC: load its files, resolve references, validate.",
    )
    val.add_argument(
        "spec", type=Path, metavar="SPEC", help="the root file of the document"
    )
    _add_common(val)
    val.set_defaults(run=_validate)

    docs = commands.add_parser(
        "docs",
        help="build the API reference site from a document",
        description="Build the API reference site for SPEC into SITE_DIR: index.html "
        "with its stylesheet and script, and openapi.json with code samples on every "
        "operation. Nothing is written unless the whole site was built.",
    )
    docs.add_argument(
        "spec", type=Path, metavar="SPEC", help="the root file of the document"
    )
    docs.add_argument("site", type=Path, metavar="SITE_DIR", help="where the site goes")
    docs.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help=f"the generator config (default: {DEFAULT_CONFIG_NAME} beside SPEC)",
    )
    docs.add_argument(
        "--check",
        action="store_true",
        help="write nothing; list the files that would change and exit 1 if any would",
    )
    docs.add_argument(
        "--quiet", action="store_true", help="print only errors and warnings"
    )
    docs.set_defaults(run=_docs)

    server = commands.add_parser(
        "server",
        help="the background server that answers generate and validate commands",
        description=SERVER_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    server.add_argument(
        "action",
        choices=("status", "stop", "run"),
        help="say whether one runs; stop it; or run one in the foreground",
    )
    server.add_argument(
        "--idle",
        type=float,
        default=IDLE,
        metavar="SECONDS",
        help=f"with run: exit after this long without a command (default: {IDLE})",
    )
    server.set_defaults(run=_server)
    return parser


SERVER_DESCRIPTION = f"""\
The first generate or validate command starts a server in the background, which
keeps the validator, Jinja and black imported; the next commands from this checkout,
with this Python and cache directory, are answered by it, a few times faster on a
small document. It exits after {IDLE // 60} minutes without a command, when the
generator or a tool it runs changes, and after a command was interrupted.

No server is used with --no-server, with {SWITCH}=0, or where CI is set
(unless {SWITCH}=1).
"""


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="report validation errors that cannot change the generated code (unknown "
        "keywords, repeated `required` entries) as warnings instead of failing",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="print only errors and warnings"
    )
    parser.add_argument(
        "--no-server",
        action="store_true",
        help="run in this process, not by the generation server (see `server -h`)",
    )


class _Progress:
    """Prints each stage that took over half a second, to a terminal only.

    Logs and captured output stay the same from run to run whatever the timing.
    """

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.started = time.perf_counter()

    def __call__(self, stage: str, seconds: float) -> None:
        if not self.quiet and seconds > 0.5 and sys.stderr.isatty():
            print(f"{stage}: {seconds:.2f} s", file=sys.stderr)


def _generate(args: argparse.Namespace) -> int:
    config = ConfigSource(args.spec, args.config, args.package_name)
    if args.watch:
        from .watch import watch  # noqa: PLC0415 - only a watching run needs it

        return watch(
            args.spec, args.output, config, lenient=args.lenient, quiet=args.quiet
        )
    progress = _Progress(args.quiet)
    result = generate(
        args.spec,
        args.output,
        config,
        lenient=args.lenient,
        check=args.check,
        progress=progress,
        session=args.session,
    )
    if result.warnings:
        print(format_warnings(result.warnings), file=sys.stderr)

    if args.check:
        return _report_check(args.output, result.changes, quiet=args.quiet)

    if not args.quiet:
        elapsed = time.perf_counter() - progress.started
        print(
            f"Generated {len(result.files)} files into {args.output} "
            f"in {elapsed:.2f} s; "
            f"{len(result.changes)} changed.",
            file=sys.stderr,
        )
    return 0


def _docs(args: argparse.Namespace) -> int:
    # Imported here: the docs need markdown-it and Pygments, generation does not.
    from .docs.site import build_site  # noqa: PLC0415

    started = time.perf_counter()
    # Without --config the document is read before its config, so that a wrong path
    # to the document is what gets reported.
    config = load_config(args.spec, args.config) if args.config else None
    result = build_site(args.spec, args.site, config, check=args.check)
    if result.warnings:
        print(format_warnings(result.warnings), file=sys.stderr)
    if args.check:
        return _report_check(args.site, result.changes, quiet=args.quiet)
    if not args.quiet:
        size = sum(len(content) for content in result.files.values())
        print(
            f"Built {len(result.files)} files ({size / 1024:.0f} KiB) into {args.site} "
            f"in {time.perf_counter() - started:.2f} s; {len(result.changes)} changed.",
            file=sys.stderr,
        )
    return 0


def _server(args: argparse.Namespace) -> int:
    from .server import server_command  # noqa: PLC0415 - sockets, for this only

    return server_command(args.action, args.idle)


def _report_check(output: Path, changes: list[Change], *, quiet: bool) -> int:
    """For --check: list what would change; 1 if anything would."""
    if not changes:
        if not quiet:
            print(f"{output} is up to date.", file=sys.stderr)
        return 0
    print(f"{len(changes)} file(s) in {output} would change:", file=sys.stderr)
    for change in changes:
        print(f"  {change.action}: {change.path}", file=sys.stderr)
    return 1


def _validate(args: argparse.Namespace) -> int:
    diagnostics = Diagnostics()
    load_and_validate(
        args.spec, diagnostics, lenient=args.lenient, session=args.session
    )
    if diagnostics.warnings:
        print(format_warnings(diagnostics.warnings), file=sys.stderr)
    if not args.quiet:
        print(f"{args.spec} is a valid OpenAPI document.", file=sys.stderr)
    return 0
