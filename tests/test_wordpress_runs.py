"""Running the WordPress import again, and on files that are not exports:
a second run creates nothing twice and leaves editors' work alone; a hostile
or broken file stops the command with one line, having written nothing."""

import pytest
from django.core.management.base import CommandError

from articles.models import Article
from tests.wordpress_helpers import FIXTURE, counts, edited_copy, run_import, story

pytestmark = pytest.mark.django_db


def test_it_creates_nothing_on_a_second_run(db):
    run_import()
    before = counts()
    out, _err = run_import()
    assert counts() == before
    assert "Stories: 0 created, 0 updated, 7 unchanged" in out


def test_it_updates_what_changed_in_wordpress(tmp_path):
    run_import()
    before = counts()
    later = edited_copy(
        tmp_path,
        ("Митинг в Баку &amp; Тбилиси", "Митинг в Баку"),
        ("<wp:status><![CDATA[draft]]>", "<wp:status><![CDATA[publish]]>"),
    )
    out, _err = run_import(path=later)
    assert "Stories: 0 created, 2 updated, 5 unchanged" in out
    assert counts() == before
    assert story(201).headline == "Митинг в Баку"
    assert story(203).status == Article.Status.PUBLISHED


def test_it_leaves_stories_edited_here_alone_and_says_so(tmp_path):
    run_import()
    rally = story(200)
    rally.headline = "Baku rallies for Ukraine"
    rally.save()
    later = edited_copy(
        tmp_path,
        ("Hundreds gathered outside", "Thousands gathered outside"),
    )
    out, _err = run_import(path=later)
    assert "edited here since the last import: left alone" in out
    assert "Baku rallies for Ukraine" in out
    rally = story(200)
    assert rally.headline == "Baku rallies for Ukraine"
    assert "Hundreds gathered" in rally.body


def test_it_does_not_bring_back_a_story_deleted_here(db):
    run_import()
    story(203).delete()
    out, _err = run_import()
    assert "deleted here since the last import" in out
    assert not Article.objects.filter(headline__startswith="Draft:").exists()


XXE = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<wp:wxr_version>1.2</wp:wxr_version><item><title>&secret;</title>
<wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type>
<wp:status>publish</wp:status></item></channel></rss>"""
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<wp:wxr_version>1.2</wp:wxr_version><item><title>&lol3;</title>
<wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type>
<wp:status>publish</wp:status></item></channel></rss>"""
RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>A feed</title>
<item><title>Not an export</title></item></channel></rss>"""
OLD = (
    FIXTURE.read_text()
    .replace("export/1.2/", "export/1.0/")
    .replace("<wp:wxr_version>1.2<", "<wp:wxr_version>1.0<")
)


@pytest.mark.parametrize(
    "content, said",
    [
        (XXE, "DTD"),
        (LAUGHS, "DTD"),
        (FIXTURE.read_text()[: len(FIXTURE.read_text()) * 3 // 4], "cut short"),
        (RSS, "not a WordPress export"),
        ("<html><body>Hello</body></html>", "not a WordPress export"),
        ("Just some text, not XML at all.", "not well-formed"),
        (b"\xff\xd8\xff\xe0 a JPEG", "not well-formed"),
        ("", "not well-formed"),
        (OLD, "1.0"),
    ],
    ids=[
        "xxe",
        "laughs",
        "truncated",
        "rss",
        "html",
        "text",
        "binary",
        "empty",
        "v1.0",
    ],
)
def test_it_stops_on_a_file_that_is_not_an_export(tmp_path, content, said):
    path = tmp_path / "export.xml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(CommandError) as stopped:
        run_import(path=path)
    message = str(stopped.value)
    assert said in message
    assert "\n" not in message and "/etc/passwd" not in message
    assert all(n == 0 for n in counts().values()), counts()


def test_it_stops_with_one_line_and_a_non_zero_exit(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "export.xml"
    path.write_text(XXE)
    done = subprocess.run(
        [sys.executable, "manage.py", "import_wordpress", str(path)],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        timeout=120,
    )
    assert done.returncode != 0
    assert done.stderr.strip().count("\n") == 0
    assert "DTD" in done.stderr


def test_it_refuses_a_missing_file(db):
    with pytest.raises(CommandError):
        run_import(path=FIXTURE.with_name("nothing.xml"))
