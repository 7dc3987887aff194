"""Makes the README's screenshots from the browser tests' own.

    .venv/bin/pytest tests/browser/test_editor_day.py   # writes var/screenshots/admin/
    .venv/bin/pytest tests/browser/test_editions.py     # writes var/screenshots/
    .venv/bin/pytest tests/browser/test_second_factors.py  # var/screenshots/admin/
    .venv/bin/python docs/screenshots/update.py          # writes docs/screenshots/

Each is the test's picture of the screen at 1280 px wide, cut to the part that
matters and reduced to a palette of 64 colours, which keeps the flat colours
and text sharp at a fraction of the size. A missing source is named, with the
test that makes it, and nothing is written.
"""

import sys
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent.parent / "var" / "screenshots"
DAY = "tests/browser/test_editor_day.py"
EDITIONS = "tests/browser/test_editions.py"
FACTORS = "tests/browser/test_second_factors.py"
# The edition pictures: the switcher, the masthead and the lead story.
HOME = (0, 64, 1280, 1120)
STORY = (0, 64, 1280, 780)
# README picture: (test's screenshot in var/screenshots, box to keep: left,
# top, right, bottom, the test that takes the screenshot).
PICTURES = {
    "desk-upload.png": ("admin/day-editor-upload", (150, 140, 1130, 760), DAY),
    "desk-preview.png": ("admin/day-editor-preview", (300, 80, 1280, 900), DAY),
    "desk-schedule.png": ("admin/day-editor-schedule", (300, 80, 1280, 520), DAY),
    "desk-returned.png": ("admin/day-reporter-returned", (0, 0, 960, 400), DAY),
    "edition-home-ru.png": ("edition-home-ru-desktop-light", HOME, EDITIONS),
    "edition-home-ka.png": ("edition-home-ka-desktop-light", HOME, EDITIONS),
    "edition-story-ka-dark.png": ("edition-story-ka-desktop-dark", STORY, EDITIONS),
    "security-page.png": (
        "admin/security-passkey-added",
        (320, 90, 1280, 780),
        FACTORS,
    ),
    "security-verify.png": ("admin/security-verify", (0, 56, 800, 450), FACTORS),
}


def main():
    missing = {}
    for name, _box, test in PICTURES.values():
        if not (SOURCE / f"{name}.png").exists():
            missing.setdefault(test, []).append(name)
    if missing:
        sys.exit(
            "\n".join(
                f"No screenshot {', '.join(names)} in {SOURCE}: run "
                f"pytest {test} first."
                for test, names in missing.items()
            )
        )
    for target, (name, box, _test) in PICTURES.items():
        with Image.open(SOURCE / f"{name}.png") as shot:
            part = shot.convert("RGB").crop(box)
        small = part.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=0)
        small.save(HERE / target, optimize=True)
        print(
            f"{target}: {part.width} x {part.height} px, "
            f"{(HERE / target).stat().st_size // 1024} KB"
        )


if __name__ == "__main__":
    main()
