"""The interface's catalogues (articles/locale) are complete in every language
the site and its admin may speak: every string the code, the templates and
the scripts mark for translation is there, translated, and none is fuzzy.

The strings are read from the sources here, in Python (Babel's extractors,
and Django's own template conversion), so the test needs no GNU gettext.
"""

import io
from pathlib import Path

import pytest
from babel.messages import extract, pofile
from django.conf import settings
from django.utils.translation import template as django_template

from articles import editions

LOCALE = Path(settings.BASE_DIR) / "articles" / "locale"
SOURCES = {
    "django": [
        *sorted((Path(settings.BASE_DIR) / "articles").rglob("*.py")),
        *sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html")),
        *sorted((Path(settings.BASE_DIR) / "templates").rglob("*.txt")),
        *sorted((Path(settings.BASE_DIR) / "templates").rglob("*.xml")),
    ],
    "djangojs": sorted((Path(settings.BASE_DIR) / "articles" / "static").rglob("*.js")),
}
# Django's gettext functions, as makemessages hands them to xgettext.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
TRANSLATED = [code for code in editions.DESK_LANGUAGES if code != "en"]


def _is_ours(path):
    parts = path.parts
    return "migrations" not in parts and "vendor" not in parts


def marked_strings(domain):
    """(context, message id) of every string the sources mark in `domain`."""
    found = set()
    for path in filter(_is_ours, SOURCES[domain]):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".js":
            method, source = "javascript", text
        elif path.suffix == ".py":
            method, source = "python", text
        else:
            # Django's conversion keeps the template's indentation, which
            # xgettext ignores and Python's tokenizer refuses.
            converted = django_template.templatize(text, str(path))
            method = "python"
            source = "\n".join(line.lstrip() for line in converted.splitlines())
        for _line, message, _comments, context in extract.extract(
            method, io.BytesIO(source.encode()), keywords=KEYWORDS
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                found.add((context, msgid))
    return found


def catalogue(code, domain):
    path = LOCALE / code / "LC_MESSAGES" / f"{domain}.po"
    assert path.exists(), f"{path} is missing"
    with path.open("rb") as handle:
        return pofile.read_po(handle, locale=code.replace("-", "_"))


@pytest.fixture(scope="module", params=["django", "djangojs"])
def marked(request):
    return request.param, marked_strings(request.param)


def test_the_sources_mark_strings_for_translation(marked):
    domain, strings = marked
    # A guard against an extraction that silently finds nothing.
    assert len(strings) > (300 if domain == "django" else 20)


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_marked_string_is_in_the_catalogue(code, marked):
    domain, strings = marked
    messages = catalogue(code, domain)
    held = {
        (message.context, message.id if isinstance(message.id, str) else message.id[0])
        for message in messages
        if message.id
    }
    missing = sorted(strings - held, key=str)
    assert not missing, f"{code}/{domain}: {len(missing)} missing, e.g. {missing[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_entry_is_translated_and_none_is_fuzzy(code, domain):
    messages = catalogue(code, domain)
    assert not messages.fuzzy, f"{code}/{domain}: the catalogue is marked fuzzy"
    problems = []
    for message in messages:
        if not message.id:
            continue
        strings = (
            message.string if isinstance(message.string, tuple) else (message.string,)
        )
        if message.fuzzy:
            problems.append(("fuzzy", message.id))
        elif not all(strings):
            problems.append(("untranslated", message.id))
    for message, errors in messages.check():
        problems += [(str(error), message.id) for error in errors]
    assert not problems, (
        f"{code}/{domain}: {len(problems)} problems, e.g. {problems[:5]}"
    )


@pytest.mark.parametrize("code", editions.codes())
def test_every_edition_speaks_a_translated_language(code):
    assert code in editions.DESK_LANGUAGES
