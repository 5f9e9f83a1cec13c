"""The ``evmap`` command line: each command parses options, calls the core, prints.

``main(argv)`` returns an exit code and is testable without a subprocess:
0 success, 1 the inputs have errors, 2 usage or configuration errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .build import BuildFailed, build_site
from .config import ConfigError, load_settings
from .pipeline import check
from .problems import Problem, Severity, summary_line

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _github(problem: Problem) -> str:
    level = "warning" if problem.severity is Severity.WARNING else "error"
    message = problem.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::{level} file={problem.path},line={max(problem.line, 1)}::{message}"


def cmd_check(args: argparse.Namespace) -> int:
    """Validate content and library; print every problem; fail on errors."""
    settings = load_settings(Path(args.config_file))
    result = check(settings)
    for problem in result.problems:
        print(_github(problem) if args.format == "github" else problem.format())
    errors = len(result.errors(args.strict))
    warnings = sum(p.severity is Severity.WARNING for p in result.problems)
    if errors:
        print(summary_line(errors, warnings - (warnings if args.strict else 0)), file=sys.stderr)
        return EXIT_PROBLEMS
    m = result.map
    print(
        f"evmap: ok: {len(m.claims)} claims, {len(m.compounds)} compounds, "
        f"{len(m.pathways)} pathways, {len(m.references)} references"
        + (f", {warnings} warnings" if warnings else ""),
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    """Check, then build the site into a temporary folder and swap it in."""
    try:
        site = build_site(
            Path(args.config_file),
            Path(args.site_dir) if args.site_dir else None,
            strict=args.strict,
        )
    except BuildFailed as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"evmap: site built in {site}", file=sys.stderr)
    return EXIT_OK


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of ``evmap``."""
    parser = argparse.ArgumentParser(
        prog="evmap", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--version", action="version", version=f"evmap {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "-f",
            "--config-file",
            default="mkdocs.yml",
            help="the site's mkdocs.yml (default: ./mkdocs.yml)",
        )
        p.add_argument("--strict", action="store_true", help="treat warnings as errors")

    p_check = sub.add_parser("check", help="validate content/ and the BibTeX library")
    common(p_check)
    p_check.add_argument(
        "--format",
        choices=("text", "github"),
        default="text",
        help="text: path:line: message; github: workflow annotations",
    )
    p_check.set_defaults(func=cmd_check)

    p_build = sub.add_parser("build", help="check, then build the site atomically")
    common(p_build)
    p_build.add_argument("-d", "--site-dir", help="output folder (default: site_dir of mkdocs.yml)")
    p_build.set_defaults(func=cmd_build)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``evmap`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except ConfigError as exc:
        print(f"evmap: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
