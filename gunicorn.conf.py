"""gunicorn settings; every value can be changed through the environment."""

import multiprocessing
import sys
from pathlib import Path

# gunicorn puts the directory it was started in on the path, which need not be
# this one (a service manager may start it anywhere with --chdir).
ROOT = str(Path(__file__).resolve().parent)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from newsroom.env import env_bool, env_int, env_str  # noqa: E402

try:
    bind = env_str("GUNICORN_BIND") or "127.0.0.1:8000"
    workers = env_int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1, minimum=1)
    timeout = env_int("GUNICORN_TIMEOUT", 30)
    # Recycle workers now and then so a slow leak never takes a small server
    # down; rarely enough that a busy server does not spend its time starting
    # workers.
    max_requests = env_int("GUNICORN_MAX_REQUESTS", 20000)
    # Workers fork from a master that has loaded Django already, so a new or
    # recycled worker is serving within milliseconds. (Database connections
    # are opened per worker, on first use, never in the master.)
    preload_app = env_bool("GUNICORN_PRELOAD", True)
    # "off" leaves the access log to the proxy in front (deploy/nginx.conf): a
    # line formatted per request is a few per cent of a cached page's cost.
    accesslog = env_str("GUNICORN_ACCESS_LOG") or "-"
    if accesslog == "off":
        accesslog = None
except ImproperlyConfigured as error:
    # Anything else raised here, gunicorn prints as a traceback; a bad value
    # gets one line naming the variable, and gunicorn exits with status 1.
    sys.exit(f"gunicorn.conf.py: {error}")

worker_class = "sync"
graceful_timeout = 20
max_requests_jitter = max_requests // 10
errorlog = "-"
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1")
