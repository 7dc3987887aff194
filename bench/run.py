"""Load benchmark: gunicorn serving the newsroom, cached and uncached, on SQLite
and PostgreSQL, against nginx serving the same story page as a static file.

Prints one table row per run: requests/s, p50 and p99 latency, errors. Every
run is bounded (BENCH_SECONDS each) and talks to 127.0.0.1 only.

    BENCH_STORIES=1000        generated stories in the archive
    BENCH_SECONDS=5           length of each run
    BENCH_CONNECTIONS=64      concurrent connections
    BENCH_PORT=8160           gunicorn; nginx takes the next two ports
    BENCH_POSTGRES_URL=…      also run on this PostgreSQL database
    BENCH_REDIS_URL=…         the cache for the PostgreSQL runs (else local memory)
"""

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
STORIES = int(os.environ.get("BENCH_STORIES", "1000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
PORT = int(os.environ.get("BENCH_PORT", "8160"))
STATIC_PORT, PROXY_PORT = PORT + 1, PORT + 2
HOST = "127.0.0.1"


def main():
    databases = [("SQLite", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}", "")]
    if os.environ.get("BENCH_POSTGRES_URL"):
        databases.append(
            (
                "PostgreSQL",
                os.environ["BENCH_POSTGRES_URL"],
                os.environ.get("BENCH_REDIS_URL", ""),
            )
        )
    else:
        print("BENCH_POSTGRES_URL is not set: PostgreSQL runs skipped.")
    print(
        f"{STORIES} stories, {CONNECTIONS} connections, {SECONDS} s a run, "
        f"{os.cpu_count()} cores shared with the load generator and other work; "
        f"load generator: {'wrk' if shutil.which('wrk') else 'Python threads'}; "
        f"load average before: {load_average()}."
    )
    rows = []
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    workdir.chmod(0o755)  # nginx's workers run as another user
    try:
        for name, database_url, redis_url in databases:
            env = app_env(database_url, redis_url)
            prepare(env)
            pages = page_paths(env)
            for cached in (True, False):
                with gunicorn(env, cached):
                    for page, path in pages.items():
                        label = f"{name}, {'cached' if cached else 'uncached'}"
                        rows.append((label, page, *load(path, PORT)))
                        print_row(rows[-1])
                    if cached:
                        # Kept compressed: a hit in gzip compresses nothing.
                        rows.append(
                            (
                                f"{name}, cached, gzip",
                                "story",
                                *load(pages["story"], PORT, ["Accept-Encoding: gzip"]),
                            )
                        )
                        print_row(rows[-1])
                    if cached and name == "SQLite" and shutil.which("nginx"):
                        rows += nginx_runs(workdir, pages)
        print_table(rows)
        print(f"Load average at the end: {load_average()}.")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if any(row[-1] for row in rows):
        sys.exit("Some requests failed.")


def load_average():
    return " ".join(f"{n:.1f}" for n in os.getloadavg())


def app_env(database_url, redis_url):
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_HTTPS": "off",
        "DJANGO_DEBUG": "off",
        "DJANGO_SECRET_KEY": "bench-" + "k3y" * 20,
        "DJANGO_ALLOWED_HOSTS": HOST,
        "GUNICORN_BIND": f"{HOST}:{PORT}",
        # Off, as nginx's is in the runs it is compared with.
        "GUNICORN_ACCESS_LOG": "off",
    }


def manage(env, *args):
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def prepare(env):
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    subprocess.run(
        [PYTHON, "manage.py", "generate_articles", str(STORIES)],
        cwd=ROOT,
        env=env,
        check=True,
    )


def page_paths(env):
    """A published story, one of its tags, and a search that finds stories."""
    found = manage(
        env,
        "shell",
        "-c",
        "import json; from articles.models import Article;"
        "story = Article.objects.published().filter(slug__startswith='generated-')"
        ".order_by('slug')[10];"
        "print(json.dumps([story.get_absolute_url(),"
        " story.tags.order_by('slug')[0].slug]))",
    )
    story, tag = json.loads(found.strip().splitlines()[-1])
    return {
        "home": "/",
        "story": story,
        "tag": f"/tag/{tag}/",
        "search": "/search/?q=Tbilisi",
    }


class gunicorn:
    def __init__(self, env, cached):
        self.env = {**env, "NEWSROOM_PAGE_CACHE_SECONDS": "600" if cached else "0"}

    def __enter__(self):
        self.process = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py"]
            + ["newsroom.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started(self.process, PORT, "/healthz")
        return self

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def started(process, port, path):
    """Wait for a server we started; stop it if it never answers."""
    try:
        wait_for(port, path)
    except SystemExit:
        process.kill()
        process.wait()
        raise


def wait_for(port, path, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"Nothing answered on {HOST}:{port}{path} within {timeout} s.")


def load(path, port, headers=()):
    """(requests/s, p50 ms, p99 ms, errors) for `path`, after one warming request."""
    url = f"http://{HOST}:{port}{path}"
    urllib.request.urlopen(url, timeout=10).read()
    if shutil.which("wrk"):
        return wrk(url, headers)
    return python_load(port, path, headers)


def wrk(url, headers):
    # Connection: close everywhere: gunicorn's sync workers close every
    # connection, so nginx is measured the same way.
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "10s"]
    command += ["--latency", "-H", "Connection: close"]
    for header in headers:
        command += ["-H", header]
    out = subprocess.run(
        command + [url], check=True, capture_output=True, text=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = latency_ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1))
    p99 = latency_ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1))
    errors = sum(
        int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses):\s+(\d+)", out)
    )
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if socket:
        errors += sum(int(n) for n in socket.groups())
    if re.search(r"^\s*0 requests in", out, re.M):
        # Nothing finished inside the run: every connection was still waiting.
        errors += CONNECTIONS
    return rate, p50, p99, errors


def latency_ms(text):
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def python_load(port, path, headers):
    """A bounded closed-loop load generator for machines without wrk."""
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.monotonic() + SECONDS
    extra = dict(h.split(": ", 1) for h in headers)

    def worker():
        while time.monotonic() < deadline:
            start = time.monotonic()
            try:
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
                conn.request("GET", path, headers={"Connection": "close", **extra})
                response = conn.getresponse()
                response.read()
                conn.close()
                ok = response.status < 400
            except OSError:
                ok = False
            with lock:
                latencies.append(time.monotonic() - start)
                errors[0] += not ok

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return len(latencies) / SECONDS, pick(0.5), pick(0.99), errors[0]


NGINX_MAIN = """
{modules}
worker_processes auto;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    {http}
}}
"""


def nginx_runs(workdir, pages):
    """nginx serving the story page as a static file, and deploy/nginx.conf
    proxying to gunicorn with its micro-cache, plain and compressed; the pages'
    sizes on the wire in each encoding."""
    story_path = pages["story"]
    static = workdir / "static-site"
    static.mkdir()
    with urllib.request.urlopen(f"http://{HOST}:{PORT}{story_path}") as response:
        (static / "story.html").write_bytes(response.read())
    static_conf = (
        f"server {{ listen {HOST}:{STATIC_PORT}; keepalive_timeout 0; root {static}; }}"
    )
    rows = []
    with nginx(workdir / "static", static_conf):
        rows.append(("nginx, static file", "story", *load("/story.html", STATIC_PORT)))
        print_row(rows[-1])
    with nginx(workdir / "proxy", proxy_conf(workdir)):
        check_proxy(story_path)
        rows.append(
            ("nginx proxy, micro-cache", "story", *load(story_path, PROXY_PORT))
        )
        print_row(rows[-1])
        for encoding in ENCODINGS[1:]:
            if encoding == "br" and not brotli_installed():
                continue
            header = f"Accept-Encoding: {encoding}"
            rows.append(
                (
                    f"nginx proxy, micro-cache, {encoding}",
                    "story",
                    *load(story_path, PROXY_PORT, [header]),
                )
            )
            print_row(rows[-1])
            print(f"  cache hits with {encoding}: {hit_rate(story_path, header)}")
        print_sizes(pages)
    return rows


ENCODINGS = ("identity", "gzip", "br")
# Debian's brotli filter (libnginx-mod-http-brotli-filter), where installed.
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")


def brotli_installed():
    return BROTLI_MODULE.exists()


def hit_rate(path, header, requests=200):
    """The share of `requests` answered from nginx's micro-cache."""
    name, value = header.split(": ", 1)
    hits = 0
    for _ in range(requests):
        request = urllib.request.Request(f"http://{HOST}:{PROXY_PORT}{path}")
        request.add_header(name, value)
        with urllib.request.urlopen(request) as response:  # noqa: S310 (http only)
            response.read()
            hits += response.headers["X-Proxy-Cache"] in ("HIT", "UPDATING")
    return f"{hits} of {requests} ({100 * hits / requests:.0f} %)"


def print_sizes(pages):
    """Bytes on the wire through deploy/nginx.conf, per page and encoding."""
    print()
    print("| page | " + " | ".join(ENCODINGS) + " |")
    print("| --- |" + " ---: |" * len(ENCODINGS))
    for page, path in pages.items():
        sizes = []
        for encoding in ENCODINGS:
            request = urllib.request.Request(f"http://{HOST}:{PROXY_PORT}{path}")
            request.add_header("Accept-Encoding", encoding)
            with urllib.request.urlopen(request) as response:  # noqa: S310 (http only)
                body = response.read()
                served = response.headers.get("Content-Encoding", "identity")
            sizes.append(f"{len(body):,}" if served == encoding else "not served")
        print(f"| {page} | " + " | ".join(sizes) + " |")


def proxy_conf(workdir):
    """deploy/nginx.conf with its marked values pointed at this benchmark."""
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    replacements = {
        "server 127.0.0.1:8000;": f"server {HOST}:{PORT};",
        "listen 80;": f"listen {HOST}:{PROXY_PORT}; keepalive_timeout 0;",
        "/srv/newsroom/var/": f"{ROOT / 'var'}/",
        "/var/cache/nginx/newsroom": str(workdir / "page-cache"),
        "server_name news.example.org;": f"server_name {HOST};",
        "/etc/nginx/newsroom-brotli.con[f]": str(ROOT / "deploy" / "nginx-brotli.conf")
        if brotli_installed()
        else "/etc/nginx/newsroom-brotli.con[f]",
    }
    for old, new in replacements.items():
        if old not in conf:
            sys.exit(
                f"deploy/nginx.conf no longer contains {old!r}; update bench/run.py."
            )
        conf = conf.replace(old, new)
    return conf


def check_proxy(story_path):
    """What deploy/nginx.conf promises: pages cached, sessions and previews not,
    static files from disk."""

    def get(path, cookie=None, encoding=None):
        request = urllib.request.Request(f"http://{HOST}:{PROXY_PORT}{path}")
        if cookie:
            request.add_header("Cookie", cookie)
        if encoding:
            request.add_header("Accept-Encoding", encoding)
        try:
            with urllib.request.urlopen(request) as response:  # noqa: S310 (http only)
                return response.status, response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.headers

    get(story_path)
    checks = {
        "story page cached": get(story_path)[1]["X-Proxy-Cache"] == "HIT",
        "pages gzipped": get(story_path, encoding="gzip")[1]["Content-Encoding"]
        == "gzip",
        "feeds gzipped": get("/feed/", encoding="gzip")[1]["Content-Encoding"]
        == "gzip",
        "sitemaps gzipped": get("/sitemap.xml", encoding="gzip")[1]["Content-Encoding"]
        == "gzip",
        "API gzipped": get("/api/articles/", encoding="gzip")[1]["Content-Encoding"]
        == "gzip",
        "session bypasses": get(story_path, "sessionid=x")[1]["X-Proxy-Cache"]
        == "BYPASS",
        "preview bypasses": get("/preview/x/")[1]["X-Proxy-Cache"] == "BYPASS",
        "static from disk": get("/static/articles/site.css")[1]["X-Proxy-Cache"] is None
        and get("/static/articles/site.css")[0] == 200,
    }
    if brotli_installed():
        checks["pages in brotli"] = (
            get(story_path, encoding="br")[1]["Content-Encoding"] == "br"
        )
    for name, ok in checks.items():
        print(f"  deploy/nginx.conf: {name}: {'yes' if ok else 'NO'}")
    if not all(checks.values()):
        sys.exit("deploy/nginx.conf does not do what it says.")


class nginx:
    def __init__(self, directory, http):
        self.directory, self.http = directory, http

    def __enter__(self):
        self.directory.mkdir(parents=True)
        conf = self.directory / "nginx.conf"
        modules = f"load_module {BROTLI_MODULE};" if brotli_installed() else ""
        conf.write_text(
            NGINX_MAIN.format(dir=self.directory, http=self.http, modules=modules)
        )
        self.process = subprocess.Popen(
            ["nginx", "-c", str(conf), "-p", str(self.directory), "-g", "daemon off;"]
        )
        port = STATIC_PORT if "static-site" in self.http else PROXY_PORT
        started(
            self.process, port, "/story.html" if port == STATIC_PORT else "/healthz"
        )
        return self

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGQUIT)
        self.process.wait(timeout=30)


def print_row(row):
    label, page, rate, p50, p99, errors = row
    print(
        f"  {label:28} {page:7} {rate:9.1f} req/s  p50 {p50:7.1f} ms"
        f"  p99 {p99:7.1f} ms  errors {errors}"
    )


def print_table(rows):
    ceiling = next((r[2] for r in rows if r[0] == "nginx, static file"), None)
    print()
    print("| server | page | requests/s | p50 ms | p99 ms | errors | of nginx static |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for label, page, rate, p50, p99, errors in rows:
        share = f"{100 * rate / ceiling:.1f} %" if ceiling else "n/a"
        print(
            f"| {label} | {page} | {rate:.0f} | {p50:.1f} | {p99:.1f} | {errors} | {share} |"
        )


if __name__ == "__main__":
    main()
