"""The credit a camera gives a picture, built once from its Artist and Copyright."""

import pytest

from tests.helpers import make_article, make_image
from tests.picture_helpers import photo_with_metadata


@pytest.mark.parametrize(
    ("artist", "copyright", "credit"),
    [
        ("Aytan Reporter", "(c) 2026 Aytan Reporter", "Aytan Reporter"),
        ("Aytan Reporter", "© 2026 Aytan Reporter", "Aytan Reporter"),
        (
            "Aytan Reporter",
            "Copyright 2025–2026 Aytan Reporter. All rights reserved.",
            "Aytan Reporter",
        ),
        (
            "Aytan Reporter",
            "(c) 2026 Aytan Reporter / OC Media",
            "Aytan Reporter / OC Media",
        ),
        ("Aytan Reporter / OC Media", "(c) 2026 OC Media", "Aytan Reporter / OC Media"),
        ("Photo: Aytan Reporter", "", "Aytan Reporter"),
        ("Айтан Мамедова", "© 2026 айтан мамедова", "Айтан Мамедова"),
        ("Ulviya Ali", "(c) JAMnews", "Ulviya Ali / (c) JAMnews"),
        ("", "© 2026", ""),
    ],
)
def test_it_names_each_person_and_outlet_once(db, artist, copyright, credit):
    # Cameras and photo editors write these fields in UTF-8.
    photo = photo_with_metadata(artist=artist.encode(), copyright=copyright.encode())
    image = make_image(content=photo)
    assert image.credit == credit


def test_it_prints_the_outlet_once_under_the_picture(client, db):
    image = make_image(
        content=photo_with_metadata(
            artist="Aytan Reporter", copyright="(c) 2026 Aytan Reporter / OC Media"
        )
    )
    story = make_article(lead_image=image)
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Photo: Aytan Reporter / OC Media<" in page
    assert page.count("OC Media</span>") == 1
