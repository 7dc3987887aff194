"""The project's templates stay readable: no line longer than 160 characters."""

from pathlib import Path

from django.apps import apps
from django.conf import settings

LONGEST_LINE = 160


def project_templates():
    """Every file in the template folders of this project (not its packages)."""
    root = Path(settings.BASE_DIR)
    folders = [Path(folder) for folder in settings.TEMPLATES[0]["DIRS"]]
    folders += [
        Path(app.path) / "templates"
        for app in apps.get_app_configs()
        if Path(app.path).parent == root
    ]
    return sorted(
        path
        for folder in folders
        if folder.is_dir()
        for path in folder.rglob("*")
        if path.is_file()
    )


def long_lines(paths, root):
    return [
        f"{path.relative_to(root)}:{number}: {len(line)} characters"
        for path in paths
        for number, line in enumerate(
            path.read_text(encoding="utf-8").splitlines(), start=1
        )
        if len(line) > LONGEST_LINE
    ]


def test_it_finds_the_site_and_admin_templates():
    names = {path.name for path in project_templates()}
    assert {"base.html", "article.html", "500.html", "prompt_figures.html"} <= names


def test_it_keeps_every_template_line_within_160_characters():
    too_long = long_lines(project_templates(), Path(settings.BASE_DIR))
    assert not too_long, "\n".join(["Lines over 160 characters:", *too_long])


def test_it_names_the_file_and_line_that_runs_too_long(tmp_path):
    template = tmp_path / "wide.html"
    template.write_text(
        "<p>short</p>\n<p>" + "მოკლე " * 30 + "</p>\n", encoding="utf-8"
    )
    assert long_lines([template], tmp_path) == ["wide.html:2: 187 characters"]
