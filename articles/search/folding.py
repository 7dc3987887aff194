"""Text in the form search compares: pure functions, no database.

Stories' words and readers' words pass through fold() alike, so "Bakililar"
typed on a keyboard without Azerbaijani letters finds "Bakılılar".
"""

import string
import unicodedata

PUNCTUATION = string.punctuation + "«»“”„‘’‚…–—"

# Letters readers type in their place on keyboards without them: Azerbaijani
# and Turkish readers write "Bakililar" and "Azerbaycan".
_PLAIN_LETTERS = str.maketrans({"ı": "i", "ə": "e"})
# Latin letters end here: marks on other alphabets' letters (the Cyrillic
# й and ї) make letters of their own, and are kept.
_LAST_LATIN = "\u024f"


def fold(text):
    """Text in the form matching compares: compatibility-normalised,
    case-folded, Latin letters without their accents."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if text.isascii():
        return text
    kept = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and kept and kept[-1] <= _LAST_LATIN:
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept)).translate(_PLAIN_LETTERS)


def query_words(text):
    """The reader's words, folded, with surrounding punctuation and quotes removed."""
    words = (word.strip(PUNCTUATION) for word in fold(text).split())
    return [word for word in words if word]
