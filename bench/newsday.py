"""A news day: readers across the whole archive while editors keep changing it.

bench/run.py asks for one page at a time; here readers ask for every kind of
page, most for a few popular stories and some for any of thousands, while an
editor saves a story every 5 s and publishes one every 60 s. So the figures
say what the page cache's invalidation costs: site-wide (every save ages
every page), keyed (a save ages the pages that show what changed), and keyed
with Varnish in front (deploy/varnish.vcl, purged by surrogate key).

- **Data.** BENCH_STORIES generated stories (`generate_articles`) in a
  PostgreSQL database of the benchmark's own, created and filled once and
  reused while it holds them; Redis as the cache, its database emptied before
  every setup. Stories an earlier run published are deleted first.
- **Readers.** wrk with bench/newsday.lua, 64 connections, 2 threads,
  `Connection: close`, BENCH_SECONDS a setup: 10 % home page, 10 % section
  pages, 10 % tag pages, 70 % story pages, the story chosen by a Zipf
  distribution (s = 1) over the stories, newest most read. The script counts
  the cache headers of every response: a page is a hit when Varnish answered
  it (X-Proxy-Cache HIT or STALE) or the app's page cache did (X-Page-Cache
  hit or stale).
- **Editor.** A Django process with the app's settings saves a random story
  every 5 s (a new marker in its standfirst, `save()` in a transaction, so
  the app's signals purge) and publishes a copy of one every 60 s. After each
  save it asks for the story, through the server being measured, every
  50 ms until the new text is there (5 s at most): "edit visible after" is
  the time from the save to that answer. A new story is looked for on the
  home page the same way.
- **Setups,** each on a fresh gunicorn (gunicorn.conf.py; the access log
  off) and an empty cache, warmed as a site that has been up a while: every
  page asked for once, then BENCH_WARM_SECONDS of readers alone, before the
  measured run: (1) gunicorn, NEWSROOM_PAGE_INVALIDATION=site;
  (2) gunicorn, keyed; (3) Varnish in front of (2), the app tagging pages
  with xkey and purging Varnish.
- **Render figures.** Pages made while readers wait: (a) after
  BENCH_RENDER_STORIES of the least read stories were cached and then
  purged one by one by key, the rest of the cache warm; (b) with an empty
  cache and a new gunicorn. wrk asks for each of those stories once, in turn,
  for 10 s; a run that asks for more than the list holds is marked not valid.
- **Ceiling.** nginx serving one story page as a static file (keep-alive
  off), plain wrk for 10 s; every rate is also given as a share of it.

Everything runs on 127.0.0.1; every run is bounded in time; every process
started here is stopped on the way out.

    BENCH_STORIES=10000       generated stories in the archive
    BENCH_SECONDS=60          length of each setup (under 60: a quick try)
    BENCH_RENDER_STORIES=3000 stories in each render figure
    BENCH_WARM_SECONDS=30     readers alone before each setup is measured
    BENCH_PORT=8170           gunicorn; nginx the next port, Varnish the one after
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/newsroom_newsday
    BENCH_REDIS_URL=redis://127.0.0.1:6379/5

Run from the repository's root: `python bench/newsday.py` (make bench-newsday).
"""

import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# bench.run reads its ports when imported: give it ours, so its gunicorn and
# nginx listen where this benchmark looks.
os.environ.setdefault("BENCH_PORT", "8170")

from bench import run  # noqa: E402

PYTHON = sys.executable
LUA = ROOT / "bench" / "newsday.lua"
STORIES = int(os.environ.get("BENCH_STORIES", "10000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "60"))
RENDER_STORIES = int(os.environ.get("BENCH_RENDER_STORIES", "3000"))
WARM_SECONDS = int(os.environ.get("BENCH_WARM_SECONDS", "30"))
DATABASE_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/newsroom_newsday"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
HOST, PORT, STATIC_PORT = run.HOST, run.PORT, run.STATIC_PORT
VARNISH_PORT = PORT + 2
CONNECTIONS, THREADS = 64, 2
RENDER_SECONDS = BASELINE_SECONDS = 10
EDIT_EVERY, PUBLISH_EVERY, POLL_EVERY, POLL_FOR = 5, 60, 0.05, 5
# Stories this benchmark publishes; deleted before the next run.
NEW_SLUG_PREFIX = "newsday-"
# The marker an edit appends to a standfirst (the previous one is replaced).
MARKER = re.compile(r" \[newsday [\w-]+\]$")

KEYED = {"NEWSROOM_PAGE_INVALIDATION": "keyed"}
SETUPS = [
    ("gunicorn, site-wide invalidation", {"NEWSROOM_PAGE_INVALIDATION": "site"}),
    ("gunicorn, keyed invalidation", KEYED),
    (
        "Varnish + gunicorn, keyed",
        {
            **KEYED,
            "NEWSROOM_SURROGATE_HEADER": "xkey",
            "NEWSROOM_PURGE_URL": f"http://{HOST}:{VARNISH_PORT}/",
        },
    ),
]


def main():
    if not shutil.which("wrk") or not shutil.which("nginx"):
        sys.exit("bench/newsday.py needs wrk and nginx.")
    env = run.app_env(DATABASE_URL, REDIS_URL)
    prepare(env)
    # After preparing: generating the stories the first time keeps a core busy.
    print(
        f"{STORIES} stories, {CONNECTIONS} connections, {THREADS} wrk threads, "
        f"{SECONDS} s a setup, {os.cpu_count()} cores shared with the load "
        f"generator, PostgreSQL and Redis; load average before: "
        f"{run.load_average()}."
    )
    if SECONDS < 60:
        print(f"BENCH_SECONDS={SECONDS}: a quick try, not figures to publish.")
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-newsday-"))
    workdir.chmod(0o755)  # nginx's workers run as another user
    rows = []
    try:
        pages = site_pages(env, workdir)
        rows += render_figures(env, workdir, pages)
        for label, settings in SETUPS:
            row = news_day(label, {**env, **settings}, workdir, pages)
            if row:
                rows.append(row)
        print_table(rows)
        print(f"Load average at the end: {run.load_average()}.")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# Preparing the database and the lists of pages.


def prepare(env):
    create_database()
    run.manage(env, "migrate", "--noinput")
    run.manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    # Adds only what is missing: a second run starts at once.
    subprocess.run(
        [PYTHON, "manage.py", "generate_articles", str(STORIES)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    in_django(env, "tidy")


def create_database():
    import psycopg
    from psycopg import sql

    name = urlsplit(DATABASE_URL).path.lstrip("/")
    server = urlsplit(DATABASE_URL)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not found:
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            )
            print(f"Created the database {name}.")


def in_django(env, *args):
    """Run one of this file's Django tasks (see `task`) in a process of its own,
    with the app's settings."""
    subprocess.run([PYTHON, __file__, *args], cwd=ROOT, env=env, check=True)


def site_pages(env, workdir):
    """{"stories": [{pk, path}, …] newest first, "sections": […], "tags": […]},
    and the day's page list for newsday.lua."""
    found = workdir / "pages.json"
    in_django(env, "pages", str(found))
    pages = json.loads(found.read_text())
    if not pages["stories"]:
        sys.exit("No published generated stories.")
    lines = ["home /"]
    lines += [f"section {path}" for path in pages["sections"]]
    lines += [f"tag {path}" for path in pages["tags"]]
    lines += [f"story {story['path']}" for story in pages["stories"]]
    pages["day"] = workdir / "day.txt"
    pages["day"].write_text("\n".join(lines) + "\n")
    print(
        f"Readers ask for the home page, {len(pages['sections'])} sections, "
        f"{len(pages['tags'])} tags and the {len(pages['stories'])} generated "
        "stories that are published."
    )
    return pages


def story_list(workdir, name, stories):
    path = workdir / name
    path.write_text("".join(f"story {story['path']}\n" for story in stories))
    return path


def flush_cache():
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


# The servers.


@contextmanager
def gunicorn(env):
    """bench.run's gunicorn, the page cache on, on an empty cache."""
    flush_cache()
    with run.gunicorn(env, cached=True) as server:
        yield server


@contextmanager
def varnish(workdir):
    """Varnish with deploy/varnish.vcl in front of our gunicorn; its address.

    Not tests/varnish.py's run_varnish: that needs pytest, which `make
    bench-newsday` does not install, and sizes Varnish for tests (64 MB, one
    thread pool), too small to hold a news day's pages. And the app must be
    told Varnish's address before it starts, so the port is ours to choose.
    """
    directory = workdir / "varnish"
    directory.mkdir()
    vcl = directory / "newsday.vcl"
    vcl.write_text(varnish_config())
    log = (directory / "varnishd.log").open("w")
    process = subprocess.Popen(
        ["varnishd", "-F", "-j", "none", "-n", str(directory / "work")]
        + ["-a", f"{HOST}:{VARNISH_PORT}", "-f", str(vcl), "-s", "malloc,256m"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        run.started(process, VARNISH_PORT, "/healthz")
        yield f"http://{HOST}:{VARNISH_PORT}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def varnish_config():
    """deploy/varnish.vcl with its marked lines pointed at this benchmark."""
    vcl = (ROOT / "deploy" / "varnish.vcl").read_text()
    marked = {
        "# GUNICORN_BIND": (r'\.port = "\d+";', f'.port = "{PORT}";'),
        "# DJANGO_ALLOWED_HOSTS": (r'"Host: [^"]*"', f'"Host: {HOST}"'),
    }
    lines = vcl.splitlines()
    for marker, (old, new) in marked.items():
        found = [i for i, line in enumerate(lines) if line.rstrip().endswith(marker)]
        if len(found) != 1 or not re.search(old, lines[found[0]]):
            sys.exit(f"deploy/varnish.vcl has no line marked {marker!r}.")
        lines[found[0]] = re.sub(old, new, lines[found[0]])
    return "\n".join(lines) + "\n"


@contextmanager
def static_server(workdir, page):
    """nginx serving `page` as /story.html, as bench/run.py's static row does."""
    static = workdir / "static-site"  # the name bench.run.nginx looks for
    static.mkdir()
    (static / "story.html").write_bytes(page)
    conf = (
        f"server {{ listen {HOST}:{STATIC_PORT}; keepalive_timeout 0; root {static}; }}"
    )
    with run.nginx(workdir / "static", conf):
        yield f"http://{HOST}:{STATIC_PORT}/story.html"


def get(url):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (http only)
        return response.read()


# The runs.


def readers(origin, paths, mode, seconds):
    """wrk with newsday.lua for `seconds`: its figures, by name."""
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s"]
    command += ["--timeout", "10s", "-H", "Connection: close", "-s", str(LUA)]
    command += [f"{origin}/", "--", str(paths), mode, str(THREADS)]
    out = subprocess.run(
        command, check=True, capture_output=True, text=True, timeout=seconds + 60
    ).stdout
    figures = {n: int(v) for n, v in re.findall(r"^newsday (\w+) (-?\d+)$", out, re.M)}
    if "requests" not in figures:
        sys.exit(f"wrk printed no figures:\n{out}")
    return figures


def baseline(workdir, pages):
    """nginx serving the most read story as a file: requests/s and the row."""
    page = get(f"http://{HOST}:{PORT}{pages['stories'][0]['path']}")
    with static_server(workdir, page) as url:
        # bench.run's wrk() runs for its module's SECONDS.
        run.SECONDS, run.CONNECTIONS = BASELINE_SECONDS, CONNECTIONS
        rate, p50, p99, errors = run.wrk(url, [])
    row = {
        "label": f"nginx, static story page ({BASELINE_SECONDS} s, plain wrk)",
        "rate": rate,
        "p50": p50,
        "p95": None,
        "p99": p99,
        "errors": errors,
    }
    print_row(row)
    return row


def render_figures(env, workdir, pages):
    """The nginx ceiling, then stories rendered after a purge by key (a) and
    on an empty cache (b): the least read stories, a different set for each."""
    count = min(RENDER_STORIES, len(pages["stories"]) // 2)
    least_read = pages["stories"][::-1]
    changed, cold = least_read[:count], least_read[count : 2 * count]
    rows = []
    with gunicorn({**env, **KEYED}):
        rows.append(baseline(workdir, pages))
        pages["ceiling"] = rows[0]["rate"]
        warm(
            ["/"]
            + pages["sections"]
            + pages["tags"]
            + [story["path"] for story in changed]
        )
        (workdir / "changed.json").write_text(json.dumps(changed))
        purged = subprocess.run(
            [PYTHON, __file__, "purge", str(workdir / "changed.json")],
            cwd=ROOT,
            env={**env, **KEYED},
        )
        label = "story render, one story changed, neighbours warm"
        if purged.returncode == 0:
            paths = story_list(workdir, "changed.txt", changed)
            rows.append(render_row(label, paths, count, pages))
        else:
            print(f"  {label}: not measured (the purge failed).")
    with gunicorn({**env, **KEYED}):
        paths = story_list(workdir, "cold.txt", cold)
        rows.append(render_row("story render, fully cold", paths, count, pages))
    return rows


def warm(paths, origin=None):
    """Ask for each page once, a few at a time."""
    origin = origin or f"http://{HOST}:{PORT}"
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda path: get(f"{origin}{path}"), paths))
    print(f"  warmed {len(paths)} pages in {time.monotonic() - started:.0f} s")


def every_page(pages):
    return (
        ["/"]
        + pages["sections"]
        + pages["tags"]
        + [story["path"] for story in pages["stories"]]
    )


def render_row(label, paths, count, pages):
    figures = readers(f"http://{HOST}:{PORT}", paths, "each", RENDER_SECONDS)
    row = wrk_row(label, figures, pages)
    row["note"] = f"{figures['issued']} requests for {count} stories" + (
        "" if figures["issued"] <= count else ", some twice: the figure is NOT VALID"
    )
    row["note"] += f"; {cache_note(figures)}"
    print_row(row)
    return row


def news_day(label, env, workdir, pages):
    """One setup: readers for SECONDS while the editor works; its row."""
    behind_varnish = "NEWSROOM_PURGE_URL" in env
    if behind_varnish and not (ROOT / "deploy" / "varnish.vcl").exists():
        print(f"  {label}: not measured (no deploy/varnish.vcl).")
        return None
    with ExitStack() as stack:
        stack.enter_context(gunicorn(env))
        origin = f"http://{HOST}:{PORT}"
        if behind_varnish:
            origin = stack.enter_context(varnish(workdir))
        # The site has been up a while when the news breaks: every page asked
        # for once, then readers alone, unmeasured, so the figures are of a
        # day, not of a cold start (pages live NEWSROOM_PAGE_CACHE_SECONDS,
        # 600 s, longer than a setup).
        warm(every_page(pages), origin)
        warmed = readers(origin, pages["day"], "day", WARM_SECONDS)
        print(f"  {label}: warmed up for {WARM_SECONDS} s ({cache_note(warmed)})")
        stories = workdir / "stories.json"
        stories.write_text(json.dumps(pages["stories"]))
        editor = subprocess.Popen(
            [PYTHON, __file__, "editor", origin, str(SECONDS), str(stories)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        stack.callback(stop, editor)
        if editor.stdout.readline().strip() != "ready":
            sys.exit("The editor did not start.")
        figures = readers(origin, pages["day"], "day", SECONDS)
        out, _ = editor.communicate(timeout=POLL_FOR + 60)
        edits = json.loads(out.strip().splitlines()[-1])
    row = wrk_row(label, figures, pages)
    row["edits"] = edits
    row["note"] = cache_note(figures) + "; " + edit_note(edits)
    print_row(row)
    return row


def stop(process):
    if process.poll() is None:
        process.kill()
        process.wait()


def wrk_row(label, figures, pages):
    seconds = figures["duration_us"] / 1e6
    answered = sum(n for name, n in figures.items() if name.startswith("status_"))
    return {
        "label": label,
        "rate": figures["requests"] / seconds,
        "p50": figures["p50_us"] / 1000,
        "p95": figures["p95_us"] / 1000,
        "p99": figures["p99_us"] / 1000,
        "errors": figures["status_errors"] + figures["socket_errors"],
        "hits": figures.get("hit", 0) / answered if answered else 0,
        "ceiling": pages.get("ceiling"),
        "figures": figures,
    }


def cache_note(figures):
    def named(prefix):
        return ", ".join(
            f"{name.removeprefix(prefix)} {n}"
            for name, n in sorted(figures.items())
            if name.startswith(prefix)
        )

    note = f"app cache: {named('app_')}"
    if any(name.startswith("proxy_") for name in figures):
        note += f"; Varnish: {named('proxy_')}"
    return note + f"; answers: {named('status_')}"


def edit_note(edits):
    note = f"{edits['edits']} edits, {edits['published']} published"
    if edits["not_seen"]:
        note += f", {edits['not_seen']} edits not seen within {POLL_FOR} s"
    if edits["home_ms"]:
        note += ", new story on the home page after " + ", ".join(
            "not seen" if ms is None else f"{ms:.0f} ms" for ms in edits["home_ms"]
        )
    return note


# The report.


def print_row(row):
    p95 = "" if row["p95"] is None else f"  p95 {row['p95']:7.1f} ms"
    print(
        f"  {row['label']:52} {row['rate']:8.1f} req/s  p50 {row['p50']:7.1f} ms"
        f"{p95}  p99 {row['p99']:7.1f} ms  errors {row['errors']}"
    )
    if row.get("note"):
        print(f"    {row['note']}")


def print_table(rows):
    print()
    print(
        "| run | requests/s | p50 ms | p95 ms | p99 ms | errors | hit rate "
        "| of nginx static | edits | published | edit visible after, median / max |"
    )
    print("| --- |" + " ---: |" * 10)
    for row in rows:
        ceiling = row.get("ceiling")
        edits = row.get("edits")
        seen = [ms for ms in edits["edit_ms"] if ms is not None] if edits else []
        visible = f"{statistics.median(seen):.0f} / {max(seen):.0f} ms" if seen else ""
        if edits and edits["not_seen"]:
            visible += f" ({edits['not_seen']} not seen in {POLL_FOR} s)"
        cells = [
            row["label"],
            f"{row['rate']:.0f}",
            f"{row['p50']:.1f}",
            "" if row["p95"] is None else f"{row['p95']:.1f}",
            f"{row['p99']:.1f}",
            str(row["errors"]),
            f"{100 * row['hits']:.1f} %" if "hits" in row else "",
            f"{100 * row['rate'] / ceiling:.1f} %" if ceiling else "100 %",
            str(edits["edits"]) if edits else "",
            str(edits["published"]) if edits else "",
            visible,
        ]
        print("| " + " | ".join(cells) + " |")
    for row in rows:
        if row.get("note"):
            print(f"- {row['label']}: {row['note']}")


# Tasks run inside Django, each in a process of its own with the app's
# settings: `python bench/newsday.py TASK ARGS…`.


def task(name, *args):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    {"tidy": tidy, "pages": list_pages, "purge": purge, "editor": editor}[name](*args)


def tidy():
    """Delete the stories earlier runs published."""
    from articles.models import Article

    Article.objects.filter(slug__startswith=NEW_SLUG_PREFIX).delete()


def list_pages(out):
    from django.db.models import Count

    from articles.management.generated_stories import SLUG_PREFIX
    from articles.models import Article, Section, Tag

    stories = (
        Article.objects.published()
        .filter(slug__startswith=SLUG_PREFIX)
        .order_by("-published_at", "-pk")
        .only("pk", "slug", "language")[:STORIES]
    )
    tags = (
        Tag.objects.annotate(stories=Count("tagged_articles"))
        .filter(stories__gt=0)
        .order_by("-stories", "pk")[:100]
    )
    Path(out).write_text(
        json.dumps(
            {
                "stories": [
                    {"pk": story.pk, "path": story.get_absolute_url()}
                    for story in stories
                ],
                "sections": [s.get_absolute_url() for s in Section.objects.all()],
                "tags": [tag.get_absolute_url() for tag in tags],
            }
        )
    )


def purge(stories_file):
    """Purge the key of each story in the file, as saving it would."""
    try:
        from articles.serving.invalidation import purge_keys
    except ImportError:
        sys.exit("articles.serving.invalidation.purge_keys is not there.")
    stories = json.loads(Path(stories_file).read_text())
    purge_keys([f"a{story['pk']}" for story in stories])


def editor(origin, seconds, stories_file):
    """Save a random story every EDIT_EVERY s and publish one every
    PUBLISH_EVERY s for `seconds`, each time timing how soon the change is
    seen at `origin`; print the figures as JSON."""
    stories = json.loads(Path(stories_file).read_text())
    seconds = int(seconds)
    schedule = [(at, "edit") for at in range_of(EDIT_EVERY / 2, seconds, EDIT_EVERY)]
    first = PUBLISH_EVERY / 2 if seconds > PUBLISH_EVERY / 2 else seconds / 3
    schedule += [(at, "publish") for at in range_of(first, seconds, PUBLISH_EVERY)]
    rng = random.Random()
    run_id = f"{int(time.time())}"
    done = {"edits": 0, "published": 0, "edit_ms": [], "not_seen": 0, "home_ms": []}
    print("ready", flush=True)
    start = time.monotonic()
    for n, (at, action) in enumerate(sorted(schedule)):
        time.sleep(max(0, start + at - time.monotonic()))
        marker = f"{run_id}-{n}"
        story = rng.choice(stories)
        if action == "edit":
            began = time.monotonic()
            edit_story(story["pk"], marker)
            seen = seen_after(origin + story["path"], marker, began)
            done["edits"] += 1
            done["edit_ms"].append(seen)
            done["not_seen"] += seen is None
        else:
            began = time.monotonic()
            path = publish_copy(story["pk"], NEW_SLUG_PREFIX + marker)
            done["published"] += 1
            done["home_ms"].append(seen_after(origin + "/", path, began))
    print(json.dumps(done), flush=True)


def range_of(start, stop, step):
    at = start
    while at < stop:
        yield at
        at += step


def edit_story(pk, marker):
    from django.db import transaction

    from articles.models import Article

    with transaction.atomic():
        story = Article.objects.select_for_update().get(pk=pk)
        story.standfirst = MARKER.sub("", story.standfirst) + f" [newsday {marker}]"
        story.save()


def publish_copy(pk, slug):
    """A new published story copied from story `pk`: its address."""
    from django.db import transaction
    from django.utils import timezone

    from articles.models import Article, Byline
    from articles.models.content import new_preview_key

    with transaction.atomic():
        source = Article.objects.get(pk=pk)
        story = Article.objects.get(pk=pk)
        story.pk = None
        story._state.adding = True
        story.slug = slug
        story.status = Article.Status.PUBLISHED
        story.published_at = timezone.now()
        story.preview_key = new_preview_key()
        story.save()
        for byline in source.bylines.all():
            Byline.objects.create(
                article=story, author_id=byline.author_id, position=byline.position
            )
        story.tags.set(list(source.tags.all()))
    return story.get_absolute_url()


def seen_after(url, text, began):
    """Milliseconds from `began` until the page at `url` holds `text`, asking
    every POLL_EVERY s; None if it does not within POLL_FOR s."""
    deadline = time.monotonic() + POLL_FOR
    while True:
        try:
            if text.encode() in get(url):
                return (time.monotonic() - began) * 1000
        except OSError:
            pass
        if time.monotonic() > deadline:
            return None
        time.sleep(POLL_EVERY)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        task(*sys.argv[1:])
    else:
        main()
