"""deploy/nginx.conf: what it promises readers' software on the wire."""

import os
import re
import shutil
import subprocess
from pathlib import Path

from tests.live import ROOT

DEPLOY = ROOT / "deploy"
BROTLI = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
# What the site answers in text besides HTML: feeds, sitemaps, robots.txt,
# the API and its OpenAPI document, styles, scripts and icons.
TEXT_TYPES = {
    "text/plain",
    "text/css",
    "text/xml",
    "application/javascript",
    "application/json",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "image/svg+xml",
}


def types_of(conf, directive):
    found = re.search(rf"^\s*{directive}\s+([^;]+);", conf, re.M)
    assert found, f"no {directive}"
    return set(found.group(1).split())


def test_every_text_response_is_compressed_with_gzip_and_brotli():
    nginx = (DEPLOY / "nginx.conf").read_text()
    brotli = (DEPLOY / "nginx-brotli.conf").read_text()
    assert re.search(r"^gzip on;", nginx, re.M)
    assert re.search(r"^gzip_proxied any;", nginx, re.M)
    assert re.search(r"^gzip_vary on;", nginx, re.M)
    assert re.search(r"^brotli on;", brotli, re.M)
    # text/html is compressed by both without being listed.
    assert types_of(nginx, "gzip_types") >= TEXT_TYPES
    assert types_of(nginx, "gzip_types") == types_of(brotli, "brotli_types")
    # Without the brotli module the include matches no file and nginx starts.
    assert "include /etc/nginx/newsroom-brotli.con[f];" in nginx


def test_nginx_accepts_the_configuration_where_it_is_installed(tmp_path):
    conf = (DEPLOY / "nginx.conf").read_text()
    conf = conf.replace("/var/cache/nginx/newsroom", str(tmp_path / "cache"))
    # With Debian's brotli filter, the brotli file is checked too.
    conf = conf.replace(
        "/etc/nginx/newsroom-brotli.con[f]", str(DEPLOY / "nginx-brotli.conf")
    )
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"load_module {BROTLI};\n"
        * BROTLI.exists()
        + f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{\ninclude /etc/nginx/mime.types;\n{conf}\n}}\n"
    )
    if shutil.which("nginx") is None:
        # CI installs nginx (.ci/run) and must run this check; a laptop
        # without nginx has its file's rules checked by the test above.
        assert not os.environ.get("NEWSROOM_REQUIRE_NGINX"), "nginx is missing"
        return
    done = subprocess.run(
        ["nginx", "-t", "-c", str(main), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
