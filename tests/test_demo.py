"""The demo deployment: both stories verbatim, their appeals, and load_demo itself."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from PIL import Image as PillowImage

from articles.models import Article, MembershipPrompt, MembershipTier, Outlet
from tests.helpers import collapse, make_article, page_text

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"
OC_SEED = SEEDS / "ocmedia-azerbaijanis-take-to-the-streets.txt"
JAM_SEED = SEEDS / "jamnews-baku-rally-in-support-of-ukraine.txt"
OC_URL = "/story/azerbaijanis-take-to-the-streets-against-russian-invasion/"
JAM_URL = "/story/baku-rally-in-support-of-ukraine/"


def seed_lines(path):
    return [
        collapse(line)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def run_load_demo(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(("seed", "url"), [(OC_SEED, OC_URL), (JAM_SEED, JAM_URL)])
def test_it_shows_every_line_of_the_seed_on_its_story_page(client, demo, seed, url):
    text = page_text(client.get(url))
    missing = [line for line in seed_lines(seed) if line not in text]
    assert missing == []


@pytest.mark.parametrize(("seed", "url"), [(OC_SEED, OC_URL), (JAM_SEED, JAM_URL)])
def test_it_keeps_the_story_paragraphs_in_seed_order(demo, seed, url):
    article = Article.objects.get(slug=url.split("/")[2])
    body = page_text(type("R", (), {"content": article.body.encode()})())
    positions = [body.find(line) for line in seed_lines(seed) if line in body]
    assert len(positions) >= 10
    assert positions == sorted(positions)


def test_it_gives_the_stories_their_outlets_dates_and_attribution(client, demo):
    oc = Article.objects.get(
        slug="azerbaijanis-take-to-the-streets-against-russian-invasion"
    )
    jam = Article.objects.get(slug="baku-rally-in-support-of-ukraine")
    assert oc.outlet.is_house and not jam.outlet.is_house
    assert (
        jam.original_url
        == "https://jam-news.net/baku-rallies-in-support-of-ukraine-photo-report/"
    )
    assert jam.standfirst.startswith(
        "In front of the building of the Ukrainian embassy"
    )
    page = client.get(JAM_URL).content.decode()
    assert f'<link rel="canonical" href="{jam.original_url}">' in page
    assert f'<a href="{jam.original_url}" rel="noopener">Read the original</a>' in page
    assert '<span class="byline__outlet">JAMnews</span>' in page
    assert '<time datetime="2022-02-27T18:00:00+04:00">27 February 2022</time>' in page
    oc_page = client.get(OC_URL).content.decode()
    assert (
        '<time datetime="2022-02-28T10:00:00+04:00">28 February 2022</time>' in oc_page
    )


def test_it_renders_quotes_heading_and_the_tweet_as_static_html(client, demo):
    page = client.get(JAM_URL).content.decode()
    assert "<h2>Excerpts from some other speeches:</h2>" in page
    assert page.count("<blockquote>") == 5
    assert '<p lang="uk">🇺🇦 Бакинці' in page
    assert '<p lang="az">🇦🇿 Bakılılar' in page
    assert "— Vladyslav Kanevskyi (@V_Kanevskyi)" in page
    assert '<time datetime="2022-02-27">February 27, 2022</time>' in page
    # Our own scripts from our static files, and JSON-LD data; nothing inline runs.
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, flags=re.S)
    runnable = [(a, b) for a, b in scripts if 'type="application/ld+json"' not in a]
    assert runnable
    assert all('src="/static/' in attrs and not body for attrs, body in runnable)
    assert len(scripts) - len(runnable) == 1
    assert "[embed:" not in page


def test_it_shows_lead_images_with_caption_and_credit_in_the_figure(client, demo):
    page = client.get(OC_URL).content.decode()
    figure = page[page.index('<figure class="figure story__lead">') :]
    figure = figure[: figure.index("</figure>")]
    assert (
        "Hundreds gathered outside the Ukrainian Embassy in Baku to protest the Russian invasion."
        in figure
    )
    assert "Photo: Ukrainian Ambassador Vladyslav Kanevskyi." in figure
    assert (
        'alt="Hundreds of people gathered outside the Ukrainian Embassy in Baku'
        in figure
    )


def test_it_tags_both_stories_with_shared_tags(demo):
    expected = {
        "Azerbaijan",
        "Ukraine",
        "Russia",
        "Baku",
        "protests",
        "humanitarian aid",
    }
    for article in Article.objects.all():
        assert expected <= set(article.tags.names())


def test_it_places_the_appeals_where_oc_media_had_them(client, demo):
    page = client.get(OC_URL).content.decode()
    header = page.index('class="prompt prompt--header"')
    site_header = page.index('class="site-header"')
    story_end = page.index("</article>")
    assert header < site_header
    assert page.index("Become an OC Media Member") < site_header
    assert page.index("Right now, online media in Georgia") > story_end
    assert page.index("Interested in directly assisting OC Media?") > story_end
    assert page.index("Right now, online media in Georgia") < page.index(
        "Interested in directly assisting OC Media?"
    )
    assert MembershipTier.objects.filter(is_active=True).exists()


def test_the_appeal_text_lives_only_in_the_database():
    sources = [
        *Path(settings.BASE_DIR, "templates").rglob("*.html"),
        *Path(settings.BASE_DIR, "articles").rglob("*.py"),
    ]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for phrase in (
            "Become an OC Media Member",
            "collective fundraiser",
            "directly assisting",
        ):
            assert phrase not in text, f"{phrase!r} is hard-coded in {path}"


def test_it_serves_no_appeal_when_the_prompts_are_gone(client, demo):
    MembershipPrompt.objects.all().delete()
    text = page_text(client.get(OC_URL))
    assert "Become an OC Media Member" not in text
    assert "Right now, online media in Georgia" not in text


def test_load_demo_twice_changes_nothing(demo):
    before = {a.slug: (a.updated_at, a.body) for a in Article.objects.all()}
    output = run_load_demo()
    assert "0 created, 0 updated, 39 unchanged; 0 media file(s) copied" in output
    assert {a.slug: (a.updated_at, a.body) for a in Article.objects.all()} == before


def test_it_gives_each_outlet_a_wordmark_labelled_as_generated(db):
    first = run_load_demo()
    assert "39 created, 0 updated, 0 unchanged; 4 media file(s) copied" in first
    for outlet in Outlet.objects.select_related("logo"):
        logo = outlet.logo
        assert outlet.name in logo.alt_text
        for label in (logo.title, logo.alt_text, logo.credit):
            assert "generated" in label.lower()
            assert "not the outlet's logo" in label
        with logo.file.open("rb") as stored:
            picture = PillowImage.open(io.BytesIO(stored.read()))
            assert (picture.format, picture.size) == ("PNG", (600, 200))
        assert (logo.width, logo.height) == (600, 200)
        assert logo.has_renditions()
    second = run_load_demo()
    assert (
        "0 created, 0 updated, 39 unchanged; 0 media file(s) copied, "
        "0 rendition(s) made." in second
    )


def test_load_demo_creates_the_accounts_in_their_groups(demo):
    users = get_user_model().objects
    assert users.get(username="editor").groups.filter(name="Editor").exists()
    assert users.get(username="reporter").groups.filter(name="Reporter").exists()
    assert users.get(username="editor").check_password("demo-password-for-tests")


def test_load_demo_generates_and_prints_passwords_once(db, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    first = run_load_demo()
    line = next(
        line for line in first.splitlines() if line.startswith("Demo login (Editor)")
    )
    password = line.split(" / ")[1]
    assert get_user_model().objects.get(username="editor").check_password(password)
    second = run_load_demo()
    assert password not in second
    assert "password unchanged" in second


def test_load_demo_refuses_a_database_with_other_content(db):
    make_article(headline="A real story", slug="a-real-story")
    with pytest.raises(
        CommandError, match="already holds content that is not the demo's"
    ):
        run_load_demo()
    assert not Outlet.objects.filter(slug="oc-media").exists()
    assert Article.objects.count() == 1


def test_load_demo_refuses_to_overwrite_an_edited_demo_story(demo):
    Article.objects.filter(slug="baku-rally-in-support-of-ukraine").update(
        headline="Edited"
    )
    with pytest.raises(CommandError, match="was edited"):
        run_load_demo()
    assert (
        Article.objects.get(slug="baku-rally-in-support-of-ukraine").headline
        == "Edited"
    )


def test_load_demo_keep_content_leaves_a_used_database_alone_and_succeeds(db):
    make_article(headline="A real story", slug="a-real-story")
    output = run_load_demo("--keep-content")
    assert "the demo content was left alone" in output
    assert "Demo login (Editor): editor" in output
    assert not Outlet.objects.filter(slug="oc-media").exists()
    assert Article.objects.count() == 1


def test_load_demo_keep_content_leaves_an_edited_demo_story_alone(demo):
    Article.objects.filter(slug="baku-rally-in-support-of-ukraine").update(
        headline="Edited"
    )
    output = run_load_demo("--keep-content")
    assert "was edited" in output
    assert "the demo content was left alone" in output
    story = Article.objects.get(slug="baku-rally-in-support-of-ukraine")
    assert story.headline == "Edited"


def test_load_demo_keep_content_loads_an_empty_database(db):
    output = run_load_demo("--keep-content")
    assert "39 created" in output


def test_make_demo_restarts_on_a_used_database():
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    recipe = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    loads = [line for line in recipe.splitlines() if "load_demo" in line]
    assert loads and all("--keep-content" in line for line in loads)
    assert recipe.index("load_demo") < recipe.index("gunicorn")


def test_load_demo_with_force_loads_beside_other_content(db):
    other = make_article(headline="A real story", slug="a-real-story")
    output = run_load_demo("--force")
    assert "39 created" in output
    other.refresh_from_db()
    assert other.headline == "A real story"
    assert Article.objects.count() == 3


def test_load_demo_exits_non_zero_with_one_line_from_the_shell(db, tmp_path):
    import subprocess
    import sys

    make_article(headline="A real story", slug="a-real-story")
    # The subprocess uses its own database, so give it one with foreign content.
    database = tmp_path / "other.sqlite3"
    env = {
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PATH": "/usr/bin:/bin",
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run(
        [*manage, "migrate", "-v0"], env=env, check=True, cwd=settings.BASE_DIR
    )
    subprocess.run(
        [
            *manage,
            "shell",
            "-c",
            "from tests.helpers import make_article; make_article()",
        ],
        env=env,
        check=True,
        cwd=settings.BASE_DIR,
    )
    result = subprocess.run(
        [*manage, "load_demo"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--force" in result.stderr


def test_the_demo_accounts_have_addresses_for_notifications(demo):
    users = get_user_model().objects.filter(username__in=["editor", "reporter"])
    assert sorted(users.values_list("email", flat=True)) == [
        "editor@newsroom.example",
        "reporter@newsroom.example",
    ]
