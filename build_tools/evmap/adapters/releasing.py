"""The ``evmap`` commands of a release: ``release-notes`` and ``citation``.

Each parses nothing of its own (:func:`evmap.adapters.cli.make_parser` does), calls the
core, prints, and returns an exit code: 0 done, 1 a side or a file could not be read or
is out of date, as every ``evmap`` command.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from evmap.core.config import load_settings

__all__ = ["cmd_citation", "cmd_release_notes", "git_tag"]

EXIT_OK, EXIT_PROBLEMS = 0, 1


def cmd_release_notes(args: argparse.Namespace) -> int:
    """Print the release notes of a release: what it changes since the last release."""
    from evmap.core.gitinfo import GitError, commit_date, previous_release
    from evmap.core.revisions import DiffInputError, load_side
    from evmap.site.diff import diff_projects
    from evmap.site.release import first_release_notes, release_notes

    config = Path(args.config_file)
    settings = load_settings(config)
    root = settings.root
    try:
        previous = args.since or previous_release(root, args.revision, settings.release_tags)
    except GitError as exc:
        print(f"evmap: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    tag = git_tag(root, args.revision, settings.release_tags) or args.revision
    date = commit_date(root, args.revision)
    try:
        if previous:
            diff = diff_projects(previous, args.revision, config)
            notes = release_notes(diff, settings, tag, previous, date, commit_date(root, previous))
        else:
            with tempfile.TemporaryDirectory(prefix="evmap-release-") as tmp:
                side = load_side(args.revision, config, Path(tmp))
            notes = first_release_notes(side.map, settings, tag, date)
    except DiffInputError as exc:
        print(exc.report(), file=sys.stderr)
        return EXIT_PROBLEMS
    print(notes, end="")
    return EXIT_OK


def git_tag(root: Path, revision: str, release_tags: str) -> str:
    """The release tag (matching the glob ``release_tags``) on ``revision``, or ""."""
    from evmap.core.gitinfo import git_text

    return git_text(root, "describe", "--tags", "--exact-match", "--match", release_tags, revision)


def cmd_citation(args: argparse.Namespace) -> int:
    """Print or write CITATION.cff; with --check, say whether the one beside mkdocs.yml
    is up to date."""
    from evmap.core.gitinfo import commit_date
    from evmap.site.release import citation_cff, without_volatile

    settings = load_settings(Path(args.config_file))
    version = args.label or git_tag(settings.root, "HEAD", settings.release_tags)
    date = commit_date(settings.root) if version else ""
    text = citation_cff(settings, version, date)
    if args.check:
        path = settings.root / "CITATION.cff"
        try:
            current = path.read_text("utf-8")
        except OSError:
            print(
                f"evmap: {path.name} not found; write it with: evmap citation -o CITATION.cff",
                file=sys.stderr,
            )
            return EXIT_PROBLEMS
        if without_volatile(current) != without_volatile(text):
            print(
                f"evmap: {path.name} is out of date with mkdocs.yml (site, curators, doi); "
                "write it again with: evmap citation -o CITATION.cff",
                file=sys.stderr,
            )
            return EXIT_PROBLEMS
        print(f"evmap: {path.name} is up to date", file=sys.stderr)
        return EXIT_OK
    if args.output:
        Path(args.output).write_text(text, "utf-8")
        print(f"evmap: {args.output} written", file=sys.stderr)
    else:
        print(text, end="")
    return EXIT_OK
