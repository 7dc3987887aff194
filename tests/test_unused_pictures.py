"""`manage.py clear_unused_pictures`: uploads nothing uses, left by a story form
that was never saved, leave the library and storage after some days."""

import io
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Autosave, Image
from tests.admin_helpers import make_staff
from tests.helpers import (
    make_article,
    make_author,
    make_draft,
    make_image,
    make_outlet,
)
from tests.live import ROOT
from tests.picture_helpers import stored_files

pytestmark = pytest.mark.django_db


def uploaded(days_ago, **fields):
    image = make_image(**fields)
    Image.objects.filter(pk=image.pk).update(
        uploaded_at=timezone.now() - timedelta(days=days_ago)
    )
    return image


def files_of(image):
    return {image.file.name, *image.renditions.values_list("file", flat=True)}


def clear(*args):
    out = io.StringIO()
    call_command("clear_unused_pictures", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_lists_the_unused_pictures_and_deletes_nothing(db):
    old = uploaded(10, title="Забытый снимок")
    files = stored_files()
    output = clear("--older-than", "7", "--dry-run")
    assert f"Would delete #{old.pk} “Забытый снимок”" in output
    assert "1 unused picture(s); nothing deleted (dry run)." in output
    assert Image.objects.filter(pk=old.pk).exists()
    assert stored_files() == files


def test_it_deletes_old_unused_pictures_with_their_files(
    db, django_capture_on_commit_callbacks
):
    old, recent = uploaded(10, title="ძველი"), uploaded(2, title="Recent")
    doomed = files_of(old)
    with django_capture_on_commit_callbacks(execute=True):
        output = clear("--older-than", "7")
    assert f"Deleted #{old.pk} “ძველი”" in output
    assert "1 picture(s) deleted with their files." in output
    assert list(Image.objects.all()) == [recent]
    assert not doomed & stored_files()
    assert files_of(recent) <= stored_files()
    assert "Nothing to delete" in clear("--older-than", "7")


def test_it_keeps_every_picture_in_use_however_old(db):
    lead, photo, logo, placed, draft_lead = (uploaded(30) for _ in range(5))
    make_article(lead_image=lead)
    make_author(photo=photo)
    make_outlet(logo=logo)
    make_draft(body=f"<p>Words.</p><p>[picture:{placed.pk}]</p>")
    make_draft(lead_image=draft_lead)
    assert "Nothing to delete" in clear("--older-than", "1")
    assert Image.objects.count() == 5


def test_it_keeps_the_pictures_an_autosave_holds_for_its_writer(db):
    lead, placed, dropped = uploaded(30), uploaded(30), uploaded(30)
    writer = make_staff("Reporter")
    fields = {
        "lead_image": [str(lead.pk)],
        "body": [f"<p>Draft words.</p><p>[picture:{placed.pk}]</p>"],
    }
    Autosave.objects.create(user=writer, story=None, data={"fields": fields})
    output = clear("--older-than", "7")
    assert f"Deleted #{dropped.pk}" in output
    assert set(Image.objects.all()) == {lead, placed}


def test_it_counts_days_from_the_upload(db):
    uploaded(3)
    assert "Nothing to delete" in clear()  # seven days by default
    assert "1 picture(s) deleted" in clear("--older-than", "2")


@pytest.mark.parametrize("days", ["0", "-3", "seven", "1.5"])
def test_it_refuses_a_number_of_days_that_is_not_one_or_more(db, days):
    uploaded(30)
    with pytest.raises(CommandError, match="a whole number of days, 1 or more"):
        clear(f"--older-than={days}")
    assert Image.objects.count() == 1


def test_it_says_what_is_wrong_in_one_line_from_the_command_line():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    done = subprocess.run(
        [sys.executable, "manage.py", "clear_unused_pictures", "--older-than", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1].endswith(
        "argument --older-than: a whole number of days, 1 or more, is needed (not “0”)"
    )
