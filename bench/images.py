"""Time and memory of the photo pipeline on 24 MP JPEGs and a 12 MP PNG.

    .venv/bin/python bench/images.py [--runs 5]

Each measurement runs in a fresh process pinned to one CPU core, so its peak
resident memory (RSS) is its own: "check + strip" is what an upload costs
(validation, full decoding, orientation, re-encoding without metadata);
"renditions" is the full set made from the stored original (5 widths as WebP
and JPEG, and the 1200 x 630 focal-point crop), written through Django's
storage API. One JPEG carries an ICC colour profile, as phones' photos do,
so the conversion of its colours to sRGB is measured too. "make_renditions
--clean" is the command run over one picture stored as the upload was, its
renditions already made, in a database of its own: the picture with a profile
is cleaned (read, checked, cleaned, stored, 11 new renditions, the old files
deleted), the others only read and checked. Medians of the runs are printed as
a table; CPU time is the steadier figure on a machine shared with other work.
"""

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (label, format, size, whether it carries a colour profile)
SOURCES = [
    ("24 MP JPEG", "JPEG", (6000, 4000), False),
    ("24 MP JPEG + profile", "JPEG", (6000, 4000), True),
    ("12 MP PNG", "PNG", (4000, 3000), False),
]


def setup_django(media_root):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only")
    os.environ["MEDIA_ROOT"] = str(media_root)
    # Never the project's database, nor the stamp a running site watches.
    os.environ["DATABASE_URL"] = f"sqlite:///{media_root}.sqlite3"
    os.environ["NEWSROOM_CHANGE_STAMP"] = f"{media_root}-changed"
    import django

    django.setup()


def peak_rss_mb():
    # VmHWM, not getrusage: ru_maxrss survives exec and would count the parent's
    # memory from before the fork.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def upload_options(fmt, with_profile):
    from PIL import ImageCms

    options = {"quality": 92} if fmt == "JPEG" else {}
    if with_profile:
        # Any matrix profile costs the same to convert from as a phone's P3.
        srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
        options["icc_profile"] = srgb.tobytes()
    return options


def photo_like(size):
    """A synthetic picture with a photo's mix of smooth areas and grain."""
    from PIL import Image

    width, height = size
    small = (width // 8, height // 8)
    channels = [
        Image.effect_mandelbrot(small, (-2.2, -1.2, 0.8, 1.2), 64),
        Image.radial_gradient("L").resize(small),
        Image.linear_gradient("L").resize(small),
    ]
    base = Image.merge("RGB", channels).resize(size, Image.Resampling.BICUBIC)
    grain = Image.effect_noise(size, 40).convert("RGB")
    return Image.blend(base, grain, 0.2)


def child(phase, path, media_root):
    """One measurement in this process: prints wall time and peak RSS as JSON."""
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    setup_django(media_root)
    from django.core.files import File
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.management import call_command

    from articles import images
    from articles.models import Image

    if phase == "prepare":
        prepare_command(path)
        return
    baseline = peak_rss_mb()
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    outcome = ""
    with open(path, "rb") as handle:
        if phase == "clean":
            images.clean(File(handle, name=Path(path).name))
        elif phase == "renditions":
            from PIL import Image as PillowImage

            with PillowImage.open(handle) as header:
                width, height = header.size
            image = Image(pk=1, width=width, height=height, digest=os.urandom(8).hex())
            specs = image.rendition_specs()
            for spec, content in images.render(handle, specs):
                default_storage.save(spec.name, ContentFile(content))
        else:
            output = io.StringIO()
            call_command("make_renditions", "--clean", stdout=output)
            outcome = "cleaned" if "original cleaned" in output.getvalue() else ""
    elapsed = time.perf_counter() - started
    result = {
        "seconds": elapsed,
        "cpu": cpu_seconds() - cpu_before,
        "peak_mb": peak_rss_mb(),
        "base_mb": baseline,
        "outcome": outcome,
    }
    print(json.dumps(result))


def prepare_command(path):
    """A database and storage holding one picture stored as it was uploaded,
    with its renditions, for make_renditions --clean to go over."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.management import call_command
    from PIL import Image as PillowImage

    from articles.models import Image

    call_command("migrate", verbosity=0)
    name = default_storage.save(Path(path).name, ContentFile(Path(path).read_bytes()))
    with PillowImage.open(path) as header:
        width, height = header.size
    image = Image.objects.create(
        file=name, width=width, height=height, title="Bench", alt_text="Bench"
    )
    image.make_renditions()


def run_child(phase, path, media):
    return subprocess.run(
        [sys.executable, __file__, "--child", phase, str(path), media],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def measure(phase, path, media_root, runs):
    results = []
    for run in range(runs):
        # A storage and database of its own: nothing a previous run made is reused.
        media = f"{media_root}-{run}"
        if phase == "command":
            run_child("prepare", path, media)
        output = run_child(phase, path, media)
        results.append(json.loads(output.strip().splitlines()[-1]))
    medians = {
        key: statistics.median(r[key] for r in results)
        for key in ("seconds", "cpu", "peak_mb", "base_mb")
    }
    return {**medians, "outcome": results[-1]["outcome"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(*options.child)
        return
    with tempfile.TemporaryDirectory(prefix="bench-images-") as work:
        work = Path(work)
        setup_django(work / "media")
        from django.core.files import File

        from articles import images

        rows = []
        for label, fmt, size, with_profile in SOURCES:
            upload = work / f"upload.{fmt.lower()}"
            photo_like(size).save(upload, fmt, **upload_options(fmt, with_profile))
            with open(upload, "rb") as handle:
                picture = images.clean(File(handle, name=upload.name))
            stored = work / f"stored.{fmt.lower()}"
            stored.write_bytes(picture.content)
            phases = (("clean", upload), ("renditions", stored), ("command", upload))
            for phase, path in phases:
                media = work / f"media-{phase}"
                result = measure(phase, path, media, options.runs)
                rows.append((label, phase, upload.stat().st_size, result))
    cpu = os.cpu_count()
    print(
        f"Median of {options.runs} runs, each in a fresh process on one core "
        f"({cpu} cores on this machine)."
    )
    print(f"Python + Django before the work: {rows[0][3]['base_mb']:.0f} MB RSS.")
    print()
    print("| picture | step | file size | wall time | CPU time | peak RSS |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    names = {
        "clean": "check + strip",
        "renditions": "renditions (11 files)",
        "command": "`make_renditions --clean`, nothing to do",
        "commandcleaned": "`make_renditions --clean`, cleaned",
    }
    for label, phase, file_size, result in rows:
        print(
            f"| {label} | {names[phase + result['outcome']]} "
            f"| {file_size / 1e6:.1f} MB "
            f"| {result['seconds']:.2f} s | {result['cpu']:.2f} s "
            f"| {result['peak_mb']:.0f} MB |"
        )


if __name__ == "__main__":
    main()
