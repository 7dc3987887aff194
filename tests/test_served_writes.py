"""Staff writing at the same moment, through gunicorn's workers, on the SQLite
file the demo keeps its stories in (tests/live.py).

A transaction that reads before it writes cannot wait for another worker's
write lock: SQLite refuses it at once ("database is locked"), and the editor
got a 500 while two autosaves crossed. The settings make each transaction take
the lock as it begins, so writers wait their turn.
"""

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from tests.live import DEMO_PASSWORD

AUTOSAVE = "/admin/articles/article/add/autosave/"


def signed_in(origin, username):
    """An opener holding `username`'s admin session, and their CSRF token."""
    cookies = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    page = opener.open(origin + "/admin/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    form = {"username": username, "password": DEMO_PASSWORD, "next": "/admin/"}
    form["csrfmiddlewaretoken"] = token
    opener.open(
        urllib.request.Request(
            origin + "/admin/login/",
            data=urllib.parse.urlencode(form).encode(),
            headers={"Referer": origin + "/admin/login/"},
        ),
        timeout=10,
    )
    csrf = next(cookie.value for cookie in cookies if cookie.name == "csrftoken")
    return opener, csrf


def autosave(origin, opener, csrf, headline):
    request = urllib.request.Request(
        origin + AUTOSAVE,
        data=json.dumps({"fields": {"headline": headline}}).encode(),
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": csrf,
            "Referer": origin + "/admin/articles/article/add/",
        },
    )
    try:
        with opener.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_autosaves_sent_at_once_by_several_editors_are_all_kept(live_site):
    origin = live_site.origin
    people = [signed_in(origin, name) for name in ("editor", "reporter")]
    sends = [
        (opener, csrf, f"Draft {turn} of {number}")
        for turn in range(12)
        for number, (opener, csrf) in enumerate(people)
    ]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda send: autosave(origin, *send), sends))
    assert answers == [200] * len(sends)

    # Each person's one autosave holds one of their own sends, whole.
    for number, (opener, _csrf) in enumerate(people):
        with opener.open(origin + AUTOSAVE, timeout=10) as response:
            [headline] = json.load(response)["fields"]["headline"]
        assert re.fullmatch(rf"Draft \d+ of {number}", headline)
    live_site.manage(
        "shell",
        "--no-imports",
        "-c",
        "from articles.models import Autosave; Autosave.objects.all().delete()",
    )
