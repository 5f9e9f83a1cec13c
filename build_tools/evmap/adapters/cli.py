"""The ``evmap`` command line: each command parses options, calls the core, prints.

``main(argv)`` returns an exit code and is testable without a subprocess:
0 success, 1 the inputs have errors, 2 usage or configuration errors.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from evmap import __version__
from evmap.adapters import builder
from evmap.adapters.releasing import cmd_citation, cmd_release_notes
from evmap.core.config import ConfigError, load_settings
from evmap.core.errors import EvmapError
from evmap.core.pipeline import check_verdict
from evmap.core.problems import Problem, Severity, summary_line
from evmap.core.vocab import ReportFormat, plural

DESCRIPTION = """\
Build a website from an evidence map: claims with their evidence for and against, in
YAML files under content/, citing a BibTeX library. Run these in the folder of the
map's mkdocs.yml (or pass -f).
"""

EPILOG = """\
exit status: 0 ok; 1 the inputs have problems (each printed as path:line: message);
2 a usage or configuration error.

examples:
  evmap new lab-map          start a new map that builds at once
  evmap check                find every problem in the content and the library
  evmap serve                live preview at http://127.0.0.1:8000/
  evmap build                build site/ (the old site stays if the build fails)
  evmap bundle               the offline bundle for teaching: dist/<name>-<version>.zip
  evmap diff origin/main HEAD   what a change does to the map
"""

__all__ = [
    "EXIT_STATUS",
    "cmd_build",
    "cmd_bundle",
    "cmd_check",
    "cmd_diff",
    "cmd_generate",
    "cmd_new",
    "cmd_schemas",
    "cmd_serve",
    "main",
    "make_parser",
    "markdown_report",
    "run",
]

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

# What each command's exit status means: its --help says it, and the documentation's
# command reference is generated from it.
EXIT_STATUS = {
    "check": "0 no errors (warnings allowed, unless --strict); 1 the inputs have problems, "
    "each printed as path:line: message; 2 a usage or configuration error",
    "build": "0 the site was built; 1 the inputs have problems or the build failed (the "
    "previous site stays as it was); 2 a usage or configuration error, or no builder installed",
    "serve": "0 stopped with Ctrl+C; 1 the first build failed; 2 a usage or configuration "
    "error, or no builder installed",
    "bundle": "0 the zip was written; 1 the inputs have problems or the bundle failed (no zip "
    "is written); 2 a usage or configuration error, or no builder installed",
    "generate": "0 the pages and the configuration were written; 1 the inputs have problems or "
    "writing failed (the last output stays as it was); 2 a usage or configuration error",
    "new": "0 the project was written; 2 the folder holds files already, the name is not a "
    "site name, or the folder cannot be written",
    "schemas": "0 the schemas were written; 1 a file there is not evmap's or cannot be "
    "written; 2 a usage or configuration error",
    "diff": "0 whatever changed; 1 a side cannot be read or its content has errors; 2 a usage "
    "or configuration error",
    "release-notes": "0 the notes were printed; 1 a release cannot be read or its content has "
    "errors; 2 a usage or configuration error",
    "citation": "0 CITATION.cff was printed or written (with --check: it is up to date); 1 "
    "with --check, it is missing or out of date; 2 a usage or configuration error",
}


def _github(problem: Problem) -> str:
    level = "warning" if problem.severity is Severity.WARNING else "error"
    message = problem.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::{level} file={problem.path},line={max(problem.line, 1)}::{message}"


def markdown_report(problems: Sequence[Problem], errors: int, warnings: int) -> str:
    """``evmap check`` for a pull-request comment: the verdict, then every problem as
    ``path:line: message`` in a code block (whose text GitHub shows as written: no markup,
    no mention notifies anyone), fenced by more backticks than any problem holds."""
    if not problems:
        return "**evmap check: no problems.**"
    verdict = (
        f"**evmap check failed: {summary_line(errors, warnings).removeprefix('evmap: ')}.**"
        if errors
        else f"**evmap check: {plural(warnings, 'warning')}.**"
    )
    lines = [p.format() for p in problems]
    longest = max((len(run) for line in lines for run in re.findall("`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return "\n".join([verdict, "", f"{fence}text", *lines, fence])


def cmd_check(args: argparse.Namespace) -> int:
    """Validate content and library; print every problem; fail on errors."""
    settings = load_settings(Path(args.config_file))
    verdict = check_verdict(settings)
    errors = len(verdict.errors(args.strict))
    warnings = sum(p.severity is Severity.WARNING for p in verdict.problems)
    report = ReportFormat(args.format)
    if report is ReportFormat.MARKDOWN:
        shown = warnings - (warnings if args.strict else 0)
        print(markdown_report(verdict.problems, errors, shown))
    for problem in verdict.problems if report is not ReportFormat.MARKDOWN else ():
        print(_github(problem) if report is ReportFormat.GITHUB else problem.format())
    if errors:
        print(summary_line(errors, warnings - (warnings if args.strict else 0)), file=sys.stderr)
        return EXIT_PROBLEMS
    counts = [
        plural(n, noun)
        for n, noun in zip(
            verdict.counts, ("claim", "compound", "pathway", "reference"), strict=True
        )
    ] + ([plural(warnings, "warning")] if warnings else [])
    again = " (no input changed since the last check)" if verdict.reused else ""
    _say(args, f"evmap: ok: {', '.join(counts)}{again}")
    return EXIT_OK


def _say(args: argparse.Namespace, line: str) -> None:
    """A line of evmap's own on stderr (what was done, what to do next), unless -q."""
    if not getattr(args, "quiet", False):
        print(line, file=sys.stderr)


def _verbosity(args: argparse.Namespace) -> Any:
    """The builder's verbosity for -q, -v or neither."""
    from evmap.adapters.build import Verbosity

    if getattr(args, "quiet", False):
        return Verbosity.QUIET
    return Verbosity.VERBOSE if getattr(args, "verbose", False) else Verbosity.NORMAL


MATERIAL_END = "2027-05-05"
"""The day Material for MkDocs, the theme evmap's sites use, stops receiving fixes."""


def _material_notice(args: argparse.Namespace) -> None:
    """Say once per command that the theme is ending, and where evmap goes from there
    (Material prints it only under the ``mkdocs`` command, which evmap does not run);
    ``-q`` hides it with evmap's other notes."""
    _say(
        args,
        f"evmap: note: Material for MkDocs, this site's theme, receives fixes until "
        f"{MATERIAL_END} and no longer after; evmap also builds with Zensical, its successor "
        "(evmap generate; evmap's guide, 'Builders and their future')",
    )


def _report_failure(exc: Exception, problems: Sequence[Problem]) -> int:
    """A failed build or bundle: input problems on stdout, one per line, as ``evmap check``
    prints them, and the count on stderr; any other failure as one line on stderr."""
    if problems:
        for problem in problems:
            print(problem.format())
        errors = sum(p.severity is Severity.ERROR for p in problems)
        print(summary_line(errors, len(problems) - errors), file=sys.stderr)
    else:
        message = str(exc)
        print(message if message.startswith("evmap:") else f"evmap: {message}", file=sys.stderr)
    return EXIT_PROBLEMS


def cmd_build(args: argparse.Namespace) -> int:
    """Check, then build the site into a temporary folder and swap it in."""
    builder.require()
    from evmap.adapters.build import (  # MkDocs loads only for commands that need it
        BuildFailed,
        build_site,
    )

    notes: list[str] = []
    try:
        site = build_site(
            Path(args.config_file),
            Path(args.site_dir) if args.site_dir else None,
            strict=args.strict,
            verbosity=_verbosity(args),
            notes=notes,
        )
    except BuildFailed as exc:
        return _report_failure(exc, exc.problems)
    for note in notes:
        print(note, file=sys.stderr)
    _say(args, f"evmap: site built in {site}")
    _material_notice(args)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the site with live reload (the builder's development server)."""
    builder.require()
    from evmap.adapters.build import BuildFailed
    from evmap.adapters.serve import serve_site

    try:
        serve_site(
            Path(args.config_file),
            args.dev_addr,
            strict=args.strict,
            poll=args.poll,
            verbosity=_verbosity(args),
        )
    except BuildFailed as exc:
        return _report_failure(exc, exc.problems)
    except KeyboardInterrupt:
        pass
    return EXIT_OK


class _Version(argparse.Action):
    """``--version``: evmap's, and the builder's it would drive (found without loading it)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the versions and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            name = builder.require()
            chosen = f"{name} {version(name)}"
        except (ImportError, PackageNotFoundError) as exc:
            chosen = f"none ({exc})"
        installed = ", ".join(b for b in builder.BUILDERS if _has(b)) or "none"
        print(f"evmap {__version__} (builder: {chosen}; installed: {installed})")
        parser.exit()


def _has(distribution: str) -> bool:
    from importlib.metadata import PackageNotFoundError, version

    try:
        version(distribution)
    except PackageNotFoundError:
        return False
    return True


def cmd_bundle(args: argparse.Namespace) -> int:
    """Build the offline teaching bundle, ``<out>/<name>-<version>.zip``."""
    builder.require()
    from evmap.adapters.bundle import BundleFailed, build_bundle

    try:
        bundle = build_bundle(
            Path(args.config_file),
            Path(args.out_dir),
            strict=args.strict,
            iframe_worker=Path(args.iframe_worker) if args.iframe_worker else None,
            name=args.name,
            version=args.label,
            verbosity=_verbosity(args),
        )
    except BundleFailed as exc:
        return _report_failure(exc, exc.problems)
    print(f"evmap: bundle written to {bundle.path} ({bundle.files} files, {bundle.size} bytes)")
    _material_notice(args)
    return EXIT_OK


def cmd_generate(args: argparse.Namespace) -> int:
    """Write every page, asset and download, and a derived mkdocs.yml, for another builder."""
    from evmap.adapters.generate import GenerateFailed, LinkStyle, generate

    try:
        done = generate(
            Path(args.config_file),
            Path(args.out_dir) if args.out_dir else None,
            site_dir=Path(args.site_dir) if args.site_dir else None,
            strict=args.strict,
            links=LinkStyle(args.links),
        )
    except GenerateFailed as exc:
        return _report_failure(exc, exc.problems)

    def shown(path: Path) -> str:
        return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)

    if done.unsearched and not args.quiet:
        print(
            "evmap: warning: left out of search, too long for Zensical's (at most 65,536 "
            "words a section): " + ", ".join(done.unsearched),
            file=sys.stderr,
        )
    _say(
        args,
        f"evmap: {done.generated} generated and {done.written} hand-written pages written to "
        f"{shown(done.out_dir)}; build with: zensical build -f {shown(done.config_file)}",
    )
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    """Write a new project that ``evmap build`` builds at once."""
    from evmap.adapters.scaffold import ScaffoldFailed, new_project

    try:
        project = new_project(Path(args.folder), args.name, templates=args.templates)
    except ScaffoldFailed as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    _say(args, f"evmap: new project in {project.root} ({len(project.files)} files)")
    here = project.root.resolve() == Path.cwd().resolve()
    _say(
        args,
        "next: evmap build  (or evmap serve)"
        if here
        else (f"next: cd {project.root} && evmap build  (or evmap serve)"),
    )
    return EXIT_OK


def cmd_schemas(args: argparse.Namespace) -> int:
    """Write the installed evmap's schemas into the project's schemas/ folder, for editors."""
    from evmap.adapters.scaffold import ScaffoldFailed, write_schemas
    from evmap.core.schema import PROJECT_SCHEMAS

    settings = load_settings(Path(args.config_file))
    try:
        written = write_schemas(settings.root / PROJECT_SCHEMAS, settings.root)
    except ScaffoldFailed as exc:
        print(exc, file=sys.stderr)
        return EXIT_PROBLEMS
    except OSError as exc:
        print(f"evmap: cannot write {PROJECT_SCHEMAS}/: {exc.strerror}", file=sys.stderr)
        return EXIT_PROBLEMS
    _say(args, f"evmap: schemas written for editors: {', '.join(written)}")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    """Compare the evidence maps of two git revisions or folders; print the changes."""
    from evmap.site.diff import DiffInputError, diff_projects

    try:
        diff = diff_projects(args.base, args.head, Path(args.config_file))
    except DiffInputError as exc:
        print(exc.report(), file=sys.stderr)
        return EXIT_PROBLEMS
    print(diff.render(ReportFormat(args.format), args.base_url))
    return EXIT_OK


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of ``evmap``."""
    parser = argparse.ArgumentParser(
        prog="evmap",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_Version)
    # -q and -v after any command (evmap build -q), as users type them.
    talk = argparse.ArgumentParser(add_help=False)
    loudness = talk.add_mutually_exclusive_group()
    loudness.add_argument(
        "-q", "--quiet", action="store_true", help="print problems and warnings only"
    )
    loudness.add_argument(
        "-v", "--verbose", action="store_true", help="also print what the builder does"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        return sub.add_parser(
            name, parents=[talk], epilog=f"exit status: {EXIT_STATUS[name]}.", **kwargs
        )

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "-f",
            "--config-file",
            default="mkdocs.yml",
            help="the site's mkdocs.yml (default: ./mkdocs.yml)",
        )
        p.add_argument("--strict", action="store_true", help="treat warnings as errors")

    p_check = command("check", help="validate content/ and the BibTeX library")
    common(p_check)
    p_check.add_argument(
        "--format",
        choices=[f.value for f in ReportFormat],
        default=ReportFormat.TEXT.value,
        help="text: path:line: message; github: workflow annotations; markdown: for a "
        "pull-request comment",
    )
    p_check.set_defaults(func=cmd_check)

    p_build = command("build", help="check, then build the site atomically")
    common(p_build)
    p_build.add_argument("-d", "--site-dir", help="output folder (default: site_dir of mkdocs.yml)")
    p_build.set_defaults(func=cmd_build)

    p_serve = command("serve", help="serve the site with live reload")
    common(p_serve)
    p_serve.add_argument(
        "-a", "--dev-addr", metavar="IP:PORT", help="address to serve at (default: 127.0.0.1:8000)"
    )
    p_serve.add_argument(
        "--poll",
        action="store_true",
        help="look for edits twice a second instead of using the system's file events "
        "(for network or container mounts that do not report them)",
    )
    p_serve.set_defaults(func=cmd_serve)

    p_bundle = command("bundle", help="build the offline bundle dist/<name>-<version>.zip")
    common(p_bundle)
    p_bundle.add_argument(
        "-o", "--out-dir", default="dist", help="folder of the zip (default: dist)"
    )
    p_bundle.add_argument(
        "--iframe-worker",
        metavar="DIR",
        help="the installed iframe-worker npm package (default: node_modules/iframe-worker)",
    )
    p_bundle.add_argument("--name", help="bundle name (default: bundle_name option or site_name)")
    p_bundle.add_argument("--label", help="version label (default: git describe, else evmap's)")
    p_bundle.set_defaults(func=cmd_bundle)

    p_generate = command(
        "generate",
        help="write the pages and a derived mkdocs.yml for Zensical or another builder",
    )
    common(p_generate)
    p_generate.add_argument(
        "-o", "--out-dir", help="folder to write (default: generated/ beside mkdocs.yml)"
    )
    p_generate.add_argument(
        "-d", "--site-dir", help="site folder the builder writes (default: site_dir of mkdocs.yml)"
    )
    p_generate.add_argument(
        "--links",
        choices=("source", "url"),
        default="source",
        help="source: links name Markdown files, resolved and checked by the builder (Zensical); "
        "url: links relative to the built page, for builders that leave HTML alone (MkDocs)",
    )
    p_generate.set_defaults(func=cmd_generate)

    p_new = command("new", help="write a new evidence-map project that builds at once")
    p_new.add_argument("folder", help="the project's folder (created; must be empty)")
    p_new.add_argument("--name", help="the site's name (default: from the folder's name)")
    p_new.add_argument(
        "--templates",
        action="store_true",
        help="copy evmap's templates into templates/ to edit them (each overrides evmap's)",
    )
    p_new.set_defaults(func=cmd_new)

    p_schemas = command(
        "schemas", help="write evmap's schemas into schemas/, where editors read them"
    )
    p_schemas.add_argument(
        "-f",
        "--config-file",
        default="mkdocs.yml",
        help="the site's mkdocs.yml (default: ./mkdocs.yml)",
    )
    p_schemas.set_defaults(func=cmd_schemas)

    p_diff = command("diff", help="compare the evidence maps of two revisions or folders")
    p_diff.add_argument("base", help="git revision or folder to compare from, e.g. origin/main")
    p_diff.add_argument("head", help="git revision or folder to compare to, e.g. HEAD or .")
    p_diff.add_argument(
        "-f",
        "--config-file",
        default="mkdocs.yml",
        help="the site's mkdocs.yml (default: ./mkdocs.yml)",
    )
    p_diff.add_argument(
        "--format",
        choices=[f.value for f in ReportFormat],
        default=ReportFormat.TEXT.value,
        help="text: path:line: change; markdown: a PR comment; github: workflow annotations",
    )
    p_diff.add_argument(
        "--base-url", default="", help="site address that Markdown and text output link pages to"
    )
    p_diff.set_defaults(func=cmd_diff)

    p_notes = command(
        "release-notes", help="what a release changes in the map since the last release"
    )
    p_notes.add_argument(
        "revision", nargs="?", default="HEAD", help="the release (a tag; default: HEAD)"
    )
    p_notes.add_argument(
        "--since", help="the release to compare with (default: the last release tag before it)"
    )
    p_notes.add_argument(
        "-f",
        "--config-file",
        default="mkdocs.yml",
        help="the site's mkdocs.yml (default: ./mkdocs.yml)",
    )
    p_notes.set_defaults(func=cmd_release_notes)

    p_cite = command("citation", help="write CITATION.cff, or check it is up to date")
    p_cite.add_argument(
        "-f",
        "--config-file",
        default="mkdocs.yml",
        help="the site's mkdocs.yml (default: ./mkdocs.yml)",
    )
    p_cite.add_argument("-o", "--output", help="write it to this file (default: print it)")
    p_cite.add_argument(
        "--version", dest="label", help="the release (default: the release tag of HEAD)"
    )
    p_cite.add_argument(
        "--check",
        action="store_true",
        help="exit 1 when CITATION.cff beside mkdocs.yml differs (but for version and date)",
    )
    p_cite.set_defaults(func=cmd_citation)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``evmap`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except (ConfigError, builder.BuilderMissing) as exc:
        print(f"evmap: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except EvmapError as exc:  # any other failure evmap explains (the commands catch theirs)
        message = str(exc)
        print(message if message.startswith("evmap:") else f"evmap: {message}", file=sys.stderr)
        return EXIT_PROBLEMS
    return code


def run() -> NoReturn:
    """The ``evmap`` command: :func:`main`, then leave without tearing the interpreter down.

    A large map is millions of objects; freeing them one by one at exit took a
    third of a warm ``evmap check`` at 10,000 claims. Everything evmap writes is
    written and closed by then (pools, temporary folders and files are closed by
    their ``with`` blocks), so after flushing the output the process just ends.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to show
            stream.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
