"""JPEG, PNG and WebP files read as bytes, without decoding a pixel: whether a
JPEG's first picture reaches its end marker, and whether a stored picture holds
its pixels and nothing else.

Imported by articles.images and by code that checks what storage holds; it
needs no Pillow.
"""

import re

# A JPEG marker: 0xFF then anything but a stuffed zero or a restart marker, the
# two that appear inside compressed data, or 0xFF (fill: the search moves on).
# A single 0xFF to start with keeps the search at C speed.
JPEG_MARKER = re.compile(rb"\xff([^\x00\xd0-\xd7\xff])")
JPEG_END, JPEG_STANDALONE = 0xD9, (0x01, 0xD8)  # markers without a length
JPEG_SCAN, JPEG_APP0 = 0xDA, 0xE0
# Frames, Huffman and arithmetic tables, quantisation tables, restart interval,
# scans and the end: what an encoder needs to write pixels. Everything else
# (APP1 to APP15: EXIF, XMP, colour profiles, IPTC, MPF; comments) is not.
JPEG_PIXEL_MARKERS = frozenset(
    {*range(0xC0, 0xD0), JPEG_SCAN, 0xDB, 0xDD, JPEG_END} - {0xC8}
)
# APP0 as libjpeg writes it: "JFIF", version, density, and a 0 × 0 thumbnail.
JFIF_LENGTH = 2 + 16
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_PIXEL_CHUNKS = frozenset({b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"})
WEBP_PIXEL_CHUNKS = frozenset({b"VP8 ", b"VP8L", b"VP8X", b"ALPH"})


def holds_only_pixels(content):
    """Whether a stored picture holds its pixels and nothing else: no EXIF, XMP,
    colour profile, comment, text or thumbnail, and nothing after its end, as
    articles.images.clean() writes them. Other formats answer False."""
    if content.startswith(b"\xff\xd8"):
        return _jpeg_holds_only_pixels(content)
    if content.startswith(PNG_SIGNATURE):
        return _png_holds_only_pixels(content)
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return _webp_holds_only_pixels(content)
    return False


def jpeg_ends(content):
    """Whether a JPEG's first picture reaches its end marker. Segments are
    skipped by their length, compressed data up to the next marker, so neither
    a thumbnail inside the EXIF data nor data after the picture (an MPO's other
    pictures, a phone's trailer) is mistaken for the end."""
    return any(kind == JPEG_END for kind, _start, _end in _jpeg_segments(content))


def _jpeg_segments(content):
    """(marker, start, end) of each segment after the start marker, through the
    end marker; a scan's segment ends where its compressed data begins."""
    position = 2
    while marker := JPEG_MARKER.search(content, position):
        kind, start, position = marker[1][0], marker.start(), marker.end()
        if kind == JPEG_END:
            yield kind, start, position
            return
        if kind not in JPEG_STANDALONE:
            position += int.from_bytes(content[position : position + 2], "big")
        yield kind, start, position


def _jpeg_holds_only_pixels(content):
    end, previous = 2, None
    for kind, start, stop in _jpeg_segments(content):
        # Only compressed data may lie between segments, after a scan's header.
        if start != end and previous != JPEG_SCAN:
            return False
        jfif = (
            kind == JPEG_APP0
            and content[start + 4 : start + 9] == b"JFIF\x00"
            and stop - start == JFIF_LENGTH
        )
        if kind not in JPEG_PIXEL_MARKERS and not jfif:
            return False
        end, previous = stop, kind
    return previous == JPEG_END and end == len(content)


def _png_holds_only_pixels(content):
    position = len(PNG_SIGNATURE)
    while position + 8 <= len(content):
        length = int.from_bytes(content[position : position + 4], "big")
        kind = content[position + 4 : position + 8]
        position += 4 + 4 + length + 4  # length, type, data, checksum
        if kind not in PNG_PIXEL_CHUNKS:
            return False
        if kind == b"IEND":
            return position == len(content)
    return False


def _webp_holds_only_pixels(content):
    if 8 + int.from_bytes(content[4:8], "little") != len(content):
        return False
    position = 12  # past "RIFF", the size and "WEBP"
    while position + 8 <= len(content):
        kind = content[position : position + 4]
        size = int.from_bytes(content[position + 4 : position + 8], "little")
        if kind not in WEBP_PIXEL_CHUNKS:
            return False
        position += 8 + size + size % 2  # chunks are padded to an even size
    return position == len(content)
