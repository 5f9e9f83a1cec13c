"""evmap runs where POSIX-only modules are missing (Windows): none is imported at module
level, and every command works without them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import REPO

# Modules Windows' Python does not have; blocked as if absent (`import fcntl` fails).
POSIX_ONLY = ("fcntl", "termios", "resource", "pwd", "grp")

SCRIPT = """\
import sys, warnings
for name in {modules!r}:
    sys.modules[name] = None
# filelock falls back to its portable soft lock here (on Windows it locks natively)
warnings.filterwarnings("ignore", "only soft file lock is available")
from evmap.adapters.cli import main
code = (
    main(["new", "lab", "-q"])
    or main(["check", "-f", "lab/mkdocs.yml", "--strict", "-q"])
    or main(["build", "-f", "lab/mkdocs.yml", "--strict", "-q"])
    or main(["generate", "-f", "lab/mkdocs.yml", "-q"])
    or main(["bundle", "-f", "lab/mkdocs.yml", "-o", "lab/dist", "-q",
             "--iframe-worker", {shim!r}])
)
blocked = [name for name in {modules!r} if sys.modules.get(name) is not None]
print("imported:", blocked)
sys.exit(code)
"""


def test_portability_every_command_runs_without_posix_only_modules(tmp_path: Path) -> None:
    script = SCRIPT.format(modules=POSIX_ONLY, shim=str(REPO / "node_modules" / "iframe-worker"))
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "imported: []" in done.stdout
    assert (tmp_path / "lab" / "site" / "index.html").is_file()
    assert list((tmp_path / "lab" / "dist").glob("*.zip"))
    assert (tmp_path / "lab" / "generated" / "index.md").is_file()
