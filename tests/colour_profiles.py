"""ICC colour profiles built byte by byte (ICC.1:2001, version 2), for tests.

Pillow's ImageCms makes only sRGB, Lab and XYZ profiles; the pictures editors
upload carry wide-gamut, grey and CMYK ones, with text that can name a person
or a device. Each profile here is the smallest littleCMS accepts.
"""

import itertools
import struct

D50 = (0.9642, 1.0, 0.8249)  # the profile connection space's white
# Display P3's primaries adapted to D50, as in Apple's profile.
DISPLAY_P3 = (
    (0.515121, 0.241196, -0.001053),
    (0.291977, 0.692245, 0.041885),
    (0.157104, 0.066574, 0.784073),
)
SRGB = (
    (0.436075, 0.222504, 0.013932),
    (0.385065, 0.716879, 0.097105),
    (0.143080, 0.060617, 0.714173),
)


def rgb_profile(primaries=DISPLAY_P3, gamma=2.2, **text):
    tags = _text_tags(**text)
    for channel, primary in zip(b"rgb", primaries, strict=True):
        tags[bytes([channel]) + b"XYZ"] = _xyz(*primary)
        tags[bytes([channel]) + b"TRC"] = _curve(gamma)
    return _profile(b"mntr", b"RGB ", tags)


def grey_profile(gamma=1.0, **text):
    return _profile(b"mntr", b"GRAY", {**_text_tags(**text), b"kTRC": _curve(gamma)})


def cmyk_profile(paper=(1.0, 0.9, 0.6), **text):
    """A press whose inks each absorb their share of the light a tinted paper
    reflects (paper: linear sRGB), as a 2-point table from CMYK to XYZ."""
    table = b""
    for c, m, y, k in itertools.product((0, 1), repeat=4):
        light = [
            p * (1 - ink) * (1 - k) for p, ink in zip(paper, (c, m, y), strict=True)
        ]
        for i in range(3):  # X, Y, Z
            xyz = sum(primary[i] * v for primary, v in zip(SRGB, light, strict=True))
            table += struct.pack(">H", round(xyz * 32768))
    identity = b"".join(_s15(v) for v in (1, 0, 0, 0, 1, 0, 0, 0, 1))
    lut = (
        b"mft2\0\0\0\0"
        + bytes([4, 3, 2, 0])  # input and output channels, grid points
        + identity
        + struct.pack(">HH", 2, 2)  # entries of the input and output curves
        + struct.pack(">HH", 0, 65535) * 4
        + table
        + struct.pack(">HH", 0, 65535) * 3
    )
    return _profile(b"prtr", b"CMYK", {**_text_tags(**text), b"A2B0": lut})


def _text_tags(
    description="Reporter Phone X", copyright="Copyright Ulviya Ali", device=""
):
    tags = {b"desc": _description(description), b"cprt": _text(copyright)}
    if device:
        tags[b"dmdd"] = _description(device)
    tags[b"wtpt"] = _xyz(*D50)
    return tags


def _profile(device_class, colour_space, tags):
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags.items():
        body += b"\0" * (-len(body) % 4)
        table += struct.pack(">4sII", signature, offset + len(data), len(body))
        data += body
    header = struct.pack(
        ">I4sI4s4s4s12s4s",
        offset + len(data),
        b"",
        0x02100000,
        device_class,
        colour_space,
        b"XYZ ",
        b"",
        b"acsp",
    ).ljust(68, b"\0")
    header = (header + b"".join(_s15(v) for v in D50)).ljust(128, b"\0")
    return header + struct.pack(">I", len(tags)) + table + data


def _s15(value):
    return struct.pack(">i", round(value * 65536))


def _xyz(*values):
    return b"XYZ \0\0\0\0" + b"".join(_s15(v) for v in values)


def _curve(gamma):
    return b"curv\0\0\0\0" + struct.pack(">IH", 1, round(gamma * 256))


def _text(value):
    return b"text\0\0\0\0" + value.encode() + b"\0"


def _description(value):
    ascii_text = value.encode() + b"\0"
    # No Unicode or ScriptCode version: their counts are zero.
    return (
        b"desc\0\0\0\0"
        + struct.pack(">I", len(ascii_text))
        + ascii_text
        + b"\0" * (8 + 3 + 67)
    )
