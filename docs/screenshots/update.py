"""Makes the README's screenshots from the browser tests' own.

    .venv/bin/pytest tests/browser/test_editor_day.py   # writes var/screenshots/admin/
    .venv/bin/python docs/screenshots/update.py          # writes docs/screenshots/

Each is the test's picture of the screen at 1280 x 900 px, cut to the part
that matters and reduced to a palette of 64 colours, which keeps the admin's
flat colours and text sharp at a fraction of the size. A missing source is
named and nothing is written.
"""

import sys
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent.parent / "var" / "screenshots" / "admin"
# README picture: (test's screenshot, box to keep: left, top, right, bottom).
PICTURES = {
    "desk-upload.png": ("day-editor-upload", (150, 140, 1130, 760)),
    "desk-preview.png": ("day-editor-preview", (300, 80, 1280, 900)),
    "desk-schedule.png": ("day-editor-schedule", (300, 80, 1280, 520)),
    "desk-returned.png": ("day-reporter-returned", (0, 0, 960, 400)),
}


def main():
    missing = [
        name for name, _ in PICTURES.values() if not (SOURCE / f"{name}.png").exists()
    ]
    if missing:
        sys.exit(
            f"No screenshot {', '.join(missing)} in {SOURCE}: run "
            "pytest tests/browser/test_editor_day.py first."
        )
    for target, (name, box) in PICTURES.items():
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
