"""gunicorn settings; every value can be changed through the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Recycle workers now and then so a slow leak never takes a small server down;
# rarely enough that a busy server does not spend its time starting workers.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# Workers fork from a master that has loaded Django already, so a new or
# recycled worker is serving within milliseconds. (Database connections are
# opened per worker, on first use, never in the master.)
preload_app = os.environ.get("GUNICORN_PRELOAD", "on") != "off"
# "off" leaves the access log to the proxy in front (deploy/nginx.conf): a
# line formatted per request is a few per cent of a cached page's cost.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
if accesslog == "off":
    accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
