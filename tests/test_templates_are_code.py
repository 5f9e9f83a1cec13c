"""Templates are code: links out of the project are refused, the sandbox holds, theme
overrides wait for the lab's trust."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import TEMPLATES, Project, write_project
from evmap.adapters.build import BuildFailed
from evmap.adapters.cli import main


@pytest.fixture
def lab(tmp_path: Path) -> Project:
    return write_project(tmp_path / "lab")


def test_templates_link_leading_outside_is_refused_without_naming_its_target(
    lab: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the lab's password\n")
    (lab.root / "templates").mkdir()
    os.symlink(secret, lab.root / "templates" / "home.html")
    code, out, _ = lab.check(capsys=capsys)
    assert code == 1
    assert out.splitlines() == [
        "templates/home.html:0: is a symbolic link leading outside the project, which evmap "
        "does not read; copy the file into the project instead"
    ]
    with pytest.raises(BuildFailed):
        lab.build()
    assert "password" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "expression",
    [
        "''.__class__.__mro__[1].__subclasses__()",
        "page.__init__.__globals__",
        "cycler.__init__.__globals__.os",
    ],
)
def test_templates_sandbox_refuses_python_internals(
    lab: Project, capsys: pytest.CaptureFixture[str], expression: str
) -> None:
    lab.write("templates/home.html", f"<h1>Home</h1>\n{{{{ {expression} }}}}\n")
    with pytest.raises(BuildFailed):
        lab.build()
    err = capsys.readouterr().err
    assert "evmap: templates/home.html:2: template error" in err
    assert "is unsafe; fix the template" in err


def test_templates_trusted_render_outside_the_sandbox(lab: Project) -> None:
    """With the lab's trust a template may use what the sandbox forbids."""
    lab.write("templates/home.html", "<h1>Home</h1>\n<p>{{ ''.__class__.__name__ }}</p>\n")
    with pytest.raises(BuildFailed):
        lab.build()
    lab.write("mkdocs.yml", lab.read("mkdocs.yml") + "      trust_templates: true\n")
    site = lab.build()
    assert "<p>str</p>" in (site / "index.html").read_text("utf-8")


def test_templates_changed_theme_override_waits_for_trust(
    lab: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    own = (TEMPLATES / "theme" / "evmap-entity.html").read_text("utf-8")
    lab.write("templates/theme/evmap-entity.html", own)  # an unchanged copy: fine
    assert lab.check(capsys=capsys)[0] == 0
    lab.write("templates/theme/evmap-entity.html", own + "{{ config }}\n")
    lab.write("templates/theme/main.html", "{% extends 'base.html' %}\n")
    code, out, _ = lab.check(capsys=capsys)
    assert code == 1
    reason = (
        ": overrides a theme template, which the builder renders without evmap's sandbox "
        "(templates are code: a theme template can run any command); review it, then set "
        "'trust_templates: true' in the evmap plugin options, or remove it"
    )
    assert out.splitlines() == [
        f"templates/theme/evmap-entity.html:0{reason}",
        f"templates/theme/main.html:0{reason}",
    ]
    lab.write("mkdocs.yml", lab.read("mkdocs.yml") + "      trust_templates: true\n")
    assert lab.check(capsys=capsys)[0] == 0


def test_templates_trust_option_must_be_a_boolean(
    lab: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    lab.write("mkdocs.yml", lab.read("mkdocs.yml") + "      trust_templates: maybe\n")
    assert main(["check", "-f", str(lab.config)]) == 2
    assert capsys.readouterr().err.endswith(
        "evmap option 'trust_templates' must be true or false, got 'maybe'\n"
    )
