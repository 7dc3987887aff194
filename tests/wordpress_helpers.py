"""Running the WordPress import in tests: the fixture export, a media folder of
pictures made with Pillow, and the command called as an editor would."""

import io
from pathlib import Path

from django.core.management import call_command
from PIL import Image as PillowImage

from articles.models import (
    Article,
    Author,
    Byline,
    Embed,
    Image,
    Outlet,
    Section,
    Tag,
)
from articles.wordpress.models import ImportedItem, OldAddress

FIXTURE = Path(__file__).parent / "fixtures" / "wordpress" / "outlet.xml"
GPS_IFD, ARTIST = 0x8825, 0x013B


def make_media(folder):
    """wp-content/uploads as the fixture names it: four pictures (one with a
    GPS position and an artist in its EXIF), one text file named .jpg, and a
    picture outside the folder that an attachment path tries to reach."""
    uploads = Path(folder) / "uploads"
    march = uploads / "2022" / "03"
    march.mkdir(parents=True)
    exif = PillowImage.Exif()
    exif[ARTIST] = "Camera Owner"
    exif[GPS_IFD] = {1: "N", 2: (40.0, 22.0, 0.0)}
    PillowImage.new("RGB", (800, 600), (200, 30, 30)).save(
        march / "baku-rally.jpg", "JPEG", exif=exif
    )
    PillowImage.new("RGB", (640, 480), (30, 200, 30)).save(march / "crowd.png", "PNG")
    for n in (1, 2):
        PillowImage.new("RGB", (400, 300), (30, 30, 20 * n)).save(
            march / f"gallery-{n}.jpg", "JPEG"
        )
    (march / "not-a-picture.jpg").write_text("<html>not a picture</html>")
    PillowImage.new("RGB", (50, 50)).save(Path(folder) / "secret.jpg", "JPEG")
    return uploads


def run_import(*args, path=FIXTURE):
    """The command's output (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts():
    """How many of each thing an import writes the database holds."""
    models = (
        Article,
        Author,
        Byline,
        Embed,
        Image,
        Outlet,
        Section,
        Tag,
        ImportedItem,
        OldAddress,
    )
    return {model.__name__: model.objects.count() for model in models}


def story(wp_id):
    item = ImportedItem.objects.get(kind="post", wp_id=wp_id)
    return Article.objects.get(pk=item.article_id)


def edited_copy(folder, *replacements):
    """A copy of the fixture with (old, new) text replaced, as WordPress would
    export it a week later."""
    text = FIXTURE.read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    copy = Path(folder) / "later.xml"
    copy.write_text(text)
    return copy


EXPORT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<title>Small</title><link>{site}</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_blog_url>{site}</wp:base_blog_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login>nino</wp:author_login>
<wp:author_display_name>Нино Беридзе</wp:author_display_name></wp:author>
"""
EXPORT_ITEM = """<item><title>{title}</title><link>{site}/{name}/</link>
<dc:creator>nino</dc:creator>
<content:encoded><![CDATA[<p>{title}: Hundreds gathered in Baku.</p>]]></content:encoded>
<wp:post_id>{wp_id}</wp:post_id>
<wp:post_date>2022-03-{day:02d} 10:00:00</wp:post_date>
<wp:post_date_gmt>2022-03-{day:02d} 06:00:00</wp:post_date_gmt>
<wp:post_name>{name}</wp:post_name><wp:status>{status}</wp:status>
<wp:post_type>post</wp:post_type>
<category domain="category" nicename="news">News</category>
<category domain="post_tag" nicename="baku">Baku</category></item>
"""


def make_export(folder, posts, site="https://small.example"):
    """An export of `posts`, each (wp_id, post_name, title[, status]), all by
    one author, under News, tagged Baku, published in March 2022."""
    items = "".join(
        EXPORT_ITEM.format(
            site=site,
            wp_id=wp_id,
            name=name,
            title=title,
            status=rest[0] if rest else "publish",
            day=1 + n % 28,
        )
        for n, (wp_id, name, title, *rest) in enumerate(posts)
    )
    path = Path(folder) / "small.xml"
    path.write_text(EXPORT_HEAD.format(site=site) + items + "</channel></rss>\n")
    return path
