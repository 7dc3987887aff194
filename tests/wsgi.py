"""Requests through the WSGI application gunicorn runs (newsroom.wsgi), which
answers page cache hits before Django's request handling does."""

import sys
from contextlib import contextmanager
from io import BytesIO
from urllib.parse import unquote_to_bytes

from django.core import signals
from django.db import close_old_connections


class WSGI:
    """Calls newsroom.wsgi.application with the environ a server builds.

    `path` is what a client puts on the request line: percent-encoded, with
    its query string. As gunicorn does, the environ gets the path decoded to
    bytes and those bytes as Latin-1 (PEP 3333). Headers are keyword
    arguments: if_none_match="…", cookie="…".
    """

    def __init__(self):
        self.started = 0

    def get(self, path, **headers):
        return self.request("GET", path, **headers)

    def head(self, path, **headers):
        return self.request("HEAD", path, **headers)

    def request(self, method, path, **headers):
        from newsroom.wsgi import application

        environ = server_environ(method, path, headers)
        answer = {}

        def start_response(status, response_headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            answer["headers"] = dict(response_headers)

        def count(**kwargs):
            self.started += 1

        signals.request_started.connect(count)
        try:
            with connections_kept():
                body = application(environ, start_response)
                answer["body"] = b"".join(body)
                if hasattr(body, "close"):
                    body.close()
        finally:
            signals.request_started.disconnect(count)
        return answer


@contextmanager
def connections_kept():
    """As Django's test client does: no connection housekeeping at the start
    and end of a request, which would end the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def server_environ(method, target, headers):
    """The environ a WSGI server gives the application for this request line."""
    path, _, query = target.partition("?")
    environ = {
        "REQUEST_METHOD": method,
        "RAW_URI": target,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "testserver",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ
