"""The one build step pyproject.toml cannot declare: evmap's Jinja templates, styles and
scripts are kept at the top of the repository (``templates/``, where a lab's site finds
them), and the wheel ships them inside the package (``evmap/templates/``) as evmap's
defaults."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TEMPLATES = Path(__file__).resolve().parent / "templates"


class BuildWithTemplates(build_py):  # type: ignore[misc]
    """``build_py``, then the templates copied into the built package."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "evmap" / "templates"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(TEMPLATES, target, ignore=shutil.ignore_patterns("__pycache__"))


setup(cmdclass={"build_py": BuildWithTemplates})
