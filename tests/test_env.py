"""Environment variables: the helpers that read them, and gunicorn.conf.py."""

import multiprocessing
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsroom.env import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "gunicorn.conf.py"
GUNICORN_VARIABLES = (
    "GUNICORN_BIND",
    "WEB_CONCURRENCY",
    "GUNICORN_TIMEOUT",
    "GUNICORN_MAX_REQUESTS",
    "GUNICORN_PRELOAD",
    "GUNICORN_ACCESS_LOG",
    "FORWARDED_ALLOW_IPS",
    "GUNICORN_CMD_ARGS",
)


@pytest.fixture
def no_gunicorn_variables(monkeypatch):
    for name in GUNICORN_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def read_config(monkeypatch, **variables):
    """gunicorn.conf.py's module-level values under these variables."""
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def clean_environment(**variables):
    """This environment without deployment variables, plus the ones given."""
    prefixes = ("DJANGO_", "DATABASE_", "REDIS_", "NEWSROOM_")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(prefixes) and key not in GUNICORN_VARIABLES
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DJANGO_SECRET_KEY="env-tests-only-" + "x" * 40,
        **variables,
    )
    return env


def run_gunicorn(*args, cwd=ROOT, **variables):
    return subprocess.run(
        [sys.executable, "-m", "gunicorn", "--config", str(CONFIG), *args],
        cwd=cwd,
        env=clean_environment(**variables),
        capture_output=True,
        text=True,
        timeout=60,
    )


def gunicorn_settings(**variables):
    """The settings gunicorn ends up with, as it prints them (name → text)."""
    result = run_gunicorn("--print-config", "newsroom.wsgi", **variables)
    assert result.returncode == 0, result.stderr
    settings = {}
    for line in result.stdout.splitlines():
        name, equals, value = line.partition(" = ")
        if equals:
            settings[name.strip()] = value.strip()
    return settings


# The helpers.


@pytest.mark.parametrize("value", ["1", "true", "yes", "on", "On", " TRUE "])
def test_it_reads_every_on_spelling_as_true(monkeypatch, value):
    monkeypatch.setenv("NEWSROOM_SERVE_MEDIA", value)
    assert env_bool("NEWSROOM_SERVE_MEDIA", False) is True


@pytest.mark.parametrize("value", ["0", "false", "no", "off", "Off", " NO "])
def test_it_reads_every_off_spelling_as_false(monkeypatch, value):
    monkeypatch.setenv("NEWSROOM_SERVE_MEDIA", value)
    assert env_bool("NEWSROOM_SERVE_MEDIA", True) is False


@pytest.mark.parametrize("value", ["maybe", "2", "enabled", "да", "კი"])
def test_it_refuses_a_switch_that_is_neither_on_nor_off(monkeypatch, value):
    monkeypatch.setenv("DJANGO_HTTPS", value)
    with pytest.raises(ImproperlyConfigured) as refused:
        env_bool("DJANGO_HTTPS", True)
    assert str(refused.value) == (
        f"DJANGO_HTTPS must be on/off, true/false, yes/no or 1/0, not {value!r}"
    )


@pytest.mark.parametrize("value", ["lots", "2.5", "1e3", "0x10", "ათი", "10 s"])
def test_it_refuses_a_number_that_is_not_whole(monkeypatch, value):
    monkeypatch.setenv("NEWSROOM_PAGE_SIZE", value)
    with pytest.raises(ImproperlyConfigured) as refused:
        env_int("NEWSROOM_PAGE_SIZE", 12)
    assert str(refused.value) == (
        f"NEWSROOM_PAGE_SIZE must be a whole number, not {value!r}"
    )


def test_it_refuses_a_negative_number(monkeypatch):
    monkeypatch.setenv("NEWSROOM_PAGE_CACHE_SECONDS", "-1")
    with pytest.raises(ImproperlyConfigured) as refused:
        env_int("NEWSROOM_PAGE_CACHE_SECONDS", 600)
    assert str(refused.value) == (
        "NEWSROOM_PAGE_CACHE_SECONDS must not be negative, not '-1'"
    )


def test_it_takes_zero_where_no_minimum_is_given(monkeypatch):
    monkeypatch.setenv("NEWSROOM_PAGE_CACHE_SECONDS", "0")
    assert env_int("NEWSROOM_PAGE_CACHE_SECONDS", 600) == 0


def test_it_refuses_a_number_below_the_minimum(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "0")
    with pytest.raises(ImproperlyConfigured) as refused:
        env_int("WEB_CONCURRENCY", 5, minimum=1)
    assert str(refused.value) == "WEB_CONCURRENCY must be at least 1, not '0'"


def test_it_reads_a_whole_number_with_spaces_around_it(monkeypatch):
    monkeypatch.setenv("NEWSROOM_PAGE_SIZE", " 20 ")
    assert env_int("NEWSROOM_PAGE_SIZE", 12) == 20


@pytest.mark.parametrize("value", [None, ""])
def test_it_uses_the_default_for_an_unset_or_empty_variable(monkeypatch, value):
    for name in ("DJANGO_DEBUG", "NEWSROOM_PAGE_SIZE", "DJANGO_ALLOWED_HOSTS"):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert env_bool("DJANGO_DEBUG", False) is False
    assert env_bool("DJANGO_DEBUG", True) is True
    assert env_int("NEWSROOM_PAGE_SIZE", 12) == 12
    assert env_list("DJANGO_ALLOWED_HOSTS", ["localhost"]) == ["localhost"]


def test_it_uses_the_list_default_for_a_blank_variable(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "   ")
    assert env_list("DJANGO_ALLOWED_HOSTS", ["localhost"]) == ["localhost"]


def test_it_splits_a_list_on_commas_and_drops_empty_items(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", " news.example, новости.example,,ოც.ge ")
    assert env_list("DJANGO_ALLOWED_HOSTS", []) == [
        "news.example",
        "новости.example",
        "ოც.ge",
    ]


def test_it_reads_a_string_as_given(monkeypatch):
    monkeypatch.setenv("NEWSROOM_SITE_NAME", "ОС Медиа · ოს მედია")
    assert env_str("NEWSROOM_SITE_NAME", "OC Media") == "ОС Медиа · ოს მედია"
    monkeypatch.delenv("NEWSROOM_SITE_NAME")
    assert env_str("NEWSROOM_SITE_NAME", "OC Media") == "OC Media"
    # An empty string is a value; settings that need one write `or default`.
    monkeypatch.setenv("NEWSROOM_SITE_NAME", "")
    assert env_str("NEWSROOM_SITE_NAME", "OC Media") == ""


def test_it_stops_django_with_the_bad_variables_name():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean_environment(DJANGO_HTTPS="maybe"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: "
        "DJANGO_HTTPS must be on/off, true/false, yes/no or 1/0, not 'maybe'"
    )


# gunicorn.conf.py, read as Python.


def test_it_takes_empty_gunicorn_variables_as_unset(monkeypatch, no_gunicorn_variables):
    empty = dict.fromkeys(
        ["GUNICORN_BIND", "WEB_CONCURRENCY", "GUNICORN_TIMEOUT", "GUNICORN_ACCESS_LOG"],
        "",
    )
    config = read_config(monkeypatch, **empty)
    assert config["bind"] == "127.0.0.1:8000"
    assert config["workers"] == multiprocessing.cpu_count() * 2 + 1
    assert config["timeout"] == 30
    assert config["accesslog"] == "-"


def test_it_leaves_the_access_log_to_the_proxy_when_off(
    monkeypatch, no_gunicorn_variables
):
    assert read_config(monkeypatch, GUNICORN_ACCESS_LOG="off")["accesslog"] is None


@pytest.mark.parametrize(
    ("value", "preload"),
    [
        ("off", False),
        ("no", False),
        ("0", False),
        ("on", True),
        ("yes", True),
        ("", True),
    ],
)
def test_it_reads_every_preload_spelling(
    monkeypatch, no_gunicorn_variables, value, preload
):
    config = read_config(monkeypatch, GUNICORN_PRELOAD=value)
    assert config["preload_app"] is preload


def test_it_exits_with_one_line_when_the_config_file_meets_a_bad_value(
    monkeypatch, no_gunicorn_variables
):
    with pytest.raises(SystemExit) as stopped:
        read_config(monkeypatch, WEB_CONCURRENCY="lots")
    assert stopped.value.code == (
        "gunicorn.conf.py: WEB_CONCURRENCY must be a whole number, not 'lots'"
    )


# gunicorn itself, started as a deployment starts it.


TODAYS_NUMBERS = {
    "bind": "['127.0.0.1:8000']",
    "workers": str(multiprocessing.cpu_count() * 2 + 1),
    "worker_class": "sync",
    "timeout": "30",
    "graceful_timeout": "20",
    "max_requests": "20000",
    "max_requests_jitter": "2000",
    "preload_app": "True",
    "accesslog": "-",
    "errorlog": "-",
    "forwarded_allow_ips": "['127.0.0.1']",
}
VALUES_SET = {
    "GUNICORN_BIND": "unix:/run/newsroom.sock",
    "WEB_CONCURRENCY": "3",
    "GUNICORN_TIMEOUT": "60",
    "GUNICORN_MAX_REQUESTS": "500",
    "GUNICORN_PRELOAD": "off",
    "GUNICORN_ACCESS_LOG": "/var/log/newsroom/access.log",
    "FORWARDED_ALLOW_IPS": "10.0.0.1,10.0.0.2",
}
SETTINGS_FROM_VALUES_SET = {
    **TODAYS_NUMBERS,
    "bind": "['unix:/run/newsroom.sock']",
    "workers": "3",
    "timeout": "60",
    "max_requests": "500",
    "max_requests_jitter": "50",
    "preload_app": "False",
    "accesslog": "/var/log/newsroom/access.log",
    "forwarded_allow_ips": "['10.0.0.1', '10.0.0.2']",
}


@pytest.mark.parametrize(
    ("variables", "expected"),
    [({}, TODAYS_NUMBERS), (VALUES_SET, SETTINGS_FROM_VALUES_SET)],
    ids=["defaults", "values-set"],
)
def test_it_starts_gunicorn_with_the_settings_its_variables_give(variables, expected):
    settings = gunicorn_settings(**variables)
    assert {name: settings[name] for name in expected} == expected


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("WEB_CONCURRENCY", "0", "must be at least 1"),
        ("GUNICORN_TIMEOUT", "half a minute", "must be a whole number"),
        ("GUNICORN_MAX_REQUESTS", "-5", "must not be negative"),
        ("GUNICORN_MAX_REQUESTS", "２万", "must be a whole number"),
        ("GUNICORN_PRELOAD", "maybe", "must be on/off"),
    ],
)
def test_it_stops_gunicorn_with_one_line_naming_a_bad_variable(name, value, problem):
    result = run_gunicorn("--check-config", "newsroom.wsgi", **{name: value})
    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"gunicorn.conf.py: {name} {problem}")
    assert line.endswith(f"not {value!r}")


def test_it_cannot_start_gunicorn_with_a_worker_count_that_is_not_a_number():
    # gunicorn reads WEB_CONCURRENCY itself, when it is imported, before this
    # project's config file runs; it stops, though with a traceback.
    result = run_gunicorn("--check-config", "newsroom.wsgi", WEB_CONCURRENCY="lots")
    assert result.returncode == 1
    assert "WEB_CONCURRENCY" in result.stderr
    assert "'lots'" in result.stderr


def test_it_reads_its_config_when_gunicorn_starts_in_another_folder(tmp_path):
    result = run_gunicorn(
        "--check-config", "--chdir", str(ROOT), "newsroom.wsgi", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
