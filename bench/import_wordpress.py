"""The WordPress import over a generated export: time and peak memory.

    .venv/bin/python bench/import_wordpress.py [--posts 10000] [--keep]

Writes an export of --posts posts (block-editor and classic bodies, English
and Russian, 30 authors, 20 categories, 200 tags; no pictures) to a temporary
folder, imports it into a fresh SQLite database there (or into DATABASE_URL,
which is migrated, when set: give it a scratch database), then imports it a
second time. Prints the export's size, the database, each run's time, the
process's peak resident memory and the machine's load average (the figures
are only comparable at a similar load). Aim: under 60 s and 300 MB for 10,000
posts.
"""

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
WORDS = [
    "government",
    "protest",
    "Baku",
    "Tbilisi",
    "Yerevan",
    "residents",
    "minister",
    "said",
    "police",
    "election",
    "court",
    "reform",
    "parliament",
    "border",
    "economy",
    "prices",
    "energy",
    "river",
]
RUSSIAN = [
    "правительство",
    "митинг",
    "жители",
    "министр",
    "полиция",
    "выборы",
    "суд",
    "реформа",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--keep", action="store_true", help="keep the folder")
    return parser.parse_args()


def sentence(rng, words):
    return " ".join(rng.choice(words) for _ in range(rng.randint(8, 20))).capitalize()


def body(rng, n, words):
    paragraphs = [sentence(rng, words) + "." for _ in range(rng.randint(4, 10))]
    if n % 2:
        blocks = "\n\n".join(
            f"<!-- wp:paragraph -->\n<p>{p}</p>\n<!-- /wp:paragraph -->"
            for p in paragraphs
        )
        return blocks + (
            '\n\n<!-- wp:embed {"url":"https://www.youtube.com/watch?v=v'
            f'{n}"}} -->\n<figure><div>https://www.youtube.com/watch?v=v{n}</div>'
            "</figure>\n<!-- /wp:embed -->"
            if n % 10 == 1
            else ""
        )
    return "\n\n".join(paragraphs) + (
        '\n\n[contact-form-7 id="1"]' if n % 7 == 0 else ""
    )


def write_export(path, posts, rng):
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            "<title>Bench</title><link>https://bench.example</link>\n"
            "<wp:wxr_version>1.2</wp:wxr_version>\n"
            "<wp:base_blog_url>https://bench.example</wp:base_blog_url>\n"
        )
        for a in range(1, 31):
            out.write(
                f"<wp:author><wp:author_id>{a}</wp:author_id><wp:author_login>"
                f"writer{a}</wp:author_login><wp:author_display_name>Writer {a}"
                "</wp:author_display_name></wp:author>\n"
            )
        for c in range(1, 21):
            out.write(
                f"<wp:category><wp:term_id>{c}</wp:term_id><wp:category_nicename>"
                f"section-{c}</wp:category_nicename><wp:cat_name>Section {c}"
                "</wp:cat_name></wp:category>\n"
            )
        for t in range(1, 201):
            out.write(
                f"<wp:tag><wp:term_id>{100 + t}</wp:term_id><wp:tag_slug>topic-{t}"
                f"</wp:tag_slug><wp:tag_name>Topic {t}</wp:tag_name></wp:tag>\n"
            )
        for n in range(1, posts + 1):
            out.write(item(rng, n))
        out.write("</channel>\n</rss>\n")


def item(rng, n):
    words = RUSSIAN if n % 5 == 0 else WORDS
    title = escape(sentence(rng, words)[:90])
    day = f"20{10 + n % 14:02d}-{1 + n % 12:02d}-{1 + n % 28:02d} 10:00:00"
    status = "draft" if n % 50 == 0 else "publish"
    tags = "".join(
        f'<category domain="post_tag" nicename="topic-{t}">Topic {t}</category>'
        for t in rng.sample(range(1, 201), 3)
    )
    return (
        f"<item><title>{title}</title>"
        f"<link>https://bench.example/post-{n}/</link>"
        f"<dc:creator>writer{1 + n % 30}</dc:creator>"
        f"<content:encoded><![CDATA[{body(rng, n, words)}]]></content:encoded>"
        f"<excerpt:encoded><![CDATA[{sentence(rng, words)}]]></excerpt:encoded>"
        f"<wp:post_id>{n}</wp:post_id><wp:post_date>{day}</wp:post_date>"
        f"<wp:post_date_gmt>{day}</wp:post_date_gmt>"
        f"<wp:post_name>post-{n}</wp:post_name><wp:status>{status}</wp:status>"
        f"<wp:post_type>post</wp:post_type>"
        f'<category domain="category" nicename="section-{1 + n % 20}">'
        f"Section {1 + n % 20}</category>{tags}</item>\n"
    )


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load():
    return " ".join(f"{n:.1f}" for n in os.getloadavg())


def main():
    args = parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wp-bench-"))
    export = folder / "export.xml"
    rng = random.Random(1)
    write_export(export, args.posts, rng)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("MEDIA_ROOT", str(folder / "media"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from articles.wordpress.importer import import_export

    call_command("migrate", verbosity=0)
    print(f"export: {args.posts} posts, {export.stat().st_size / 1e6:.1f} MB")
    print(f"database: {connection.vendor}; load average {load()}")
    print(f"peak memory before the import: {peak_mb():.0f} MB")
    for run in ("first run", "second run"):
        started = time.perf_counter()
        summary = import_export(export, language="en")
        seconds = time.perf_counter() - started
        stories = summary.counts["stories"]
        print(
            f"{run}: {seconds:.1f} s, {stories['created']} created, "
            f"{stories['unchanged']} unchanged; peak memory {peak_mb():.0f} MB; "
            f"load average {load()}"
        )
    if not args.keep:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
