"""Keeping on serving when a dependency hiccups: Redis away, the database restarted."""

import io
import json
import logging
import socket

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError, connection
from django.urls import reverse

from tests.helpers import make_article, page_text

pytestmark = pytest.mark.django_db


def closed_port():
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    """The cache pointed at a Redis that is not there."""
    settings.CACHES = {
        "default": {
            "BACKEND": "articles.serving.resilient_cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_it_serves_pages_while_redis_is_down(client, redis_down, caplog):
    story = make_article(headline="Still readable")
    with caplog.at_level(logging.WARNING, logger="articles.serving.resilient_cache"):
        for _ in range(2):
            response = client.get(story.get_absolute_url())
            assert response.status_code == 200
            assert "Still readable" in page_text(response)
        assert client.get("/").status_code == 200
    assert "Cache unavailable" in caplog.text
    # One line per outage, not one per request.
    assert caplog.text.count("Cache unavailable") == 1


def test_a_resilient_cache_answers_like_an_empty_one_while_redis_is_down(redis_down):
    assert cache.get("anything", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("key", 1) is False
    cache.set("key", 1)
    cache.delete("key")
    assert cache.set_many({"a": 1}) == ["a"]
    with pytest.raises(ValueError):
        cache.incr("counter")


def test_a_redis_cache_keeps_its_client_rather_than_building_one_per_call(
    redis_down,
):
    client = cache._cache.get_client("key")
    assert cache._cache.get_client("other") is client
    assert cache._cache.get_client(write=True) is client


def test_healthz_reports_a_missing_cache_but_stays_up(client, redis_down):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "degraded",
        "database": "ok",
        "cache": "unavailable",
    }


def test_healthz_reports_both_backends(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
    }
    assert "no-store" in response["Cache-Control"]
    assert "X-Page-Cache" not in client.get(reverse("healthz"))


def test_healthz_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "database": "unavailable: OperationalError",
        "cache": "ok",
    }
    assert "no-store" in response["Cache-Control"]


def wsgi_get(path):
    """A request through the real WSGI handler, with its start/finish signals (the
    test client switches off the connection housekeeping they do)."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
    }
    status = []
    body = b"".join(WSGIHandler()(environ, lambda s, h, *a: status.append(s)))
    return int(status[0].split()[0]), body


def drop_connection_underneath():
    """What a database restart does to the app: its open connection dies."""
    if connection.vendor == "postgresql":
        from psycopg import connect

        settings = connection.settings_dict
        pid = connection.connection.info.backend_pid
        with connect(
            dbname=settings["NAME"],
            user=settings["USER"],
            password=settings["PASSWORD"] or None,
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
            autocommit=True,
        ) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
    else:
        # SQLite has no server to restart; the closest is losing the handle.
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_it_recovers_when_the_database_drops_its_connection():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    drop_connection_underneath()
    status, body = wsgi_get("/healthz")
    assert status == 200, body
    assert json.loads(body)["database"] == "ok"
    assert wsgi_get("/")[0] == 200
