"""The addresses WordPress answered at, and where each leads now.

Paths are kept percent-decoded, as Django gives request.path: WordPress writes
non-Latin slugs percent-encoded in lower case, browsers in upper case, and
both are the same path once decoded. A trailing slash is not part of the key.
"""

import re
from urllib.parse import unquote, urlsplit

from articles.models import Article

from .models import ImportedItem, OldAddress, path_digest

# WordPress's plain links, for the site's front page: /?p=12, /?cat=3 …
QUERY_KEYS = ("p", "page_id", "attachment_id", "cat", "tag", "author")
_SLUG = re.compile(r"[^a-z0-9_-]+")
# Addresses looked up or written in one statement.
CHUNK = 900


def normalise(path):
    """A path as old addresses are keyed: decoded, without a trailing slash."""
    path = unquote(path or "/")
    if not path.startswith("/"):
        path = "/" + path
    return path.rstrip("/") or "/"


def path_of(url, site):
    """The path of a WordPress address on the imported site, or None for an
    address on another host."""
    parts = urlsplit(url)
    if parts.netloc and parts.netloc.lower() != urlsplit(site).netloc.lower():
        return None
    path = normalise(parts.path)
    if parts.query:
        name, _, value = parts.query.partition("=")
        if name in QUERY_KEYS and value and "&" not in value:
            return f"{path.rstrip('/')}/?{name}={unquote(value)}"
    return path


def query_address(base_path, name, value):
    return f"{base_path}/?{name}={value}"


def request_keys(request):
    """The old-address paths a request may stand for, best first."""
    keys = []
    if request.path in ("/", ""):
        for name in QUERY_KEYS:
            value = request.GET.get(name)
            if value:
                keys.append(f"/?{name}={value}")
    # Django has decoded the path already: decoding it again would turn a
    # literal "%41" into "A".
    keys.append(request.path.rstrip("/") or "/")
    return keys


def post_paths(item, channel):
    """Every address a post answered at: its permalink, its guid, /?p=ID and
    the date-based and plain permalinks WordPress redirects from."""
    base = channel.base_path
    paths = {path_of(item.link, channel.site), path_of(item.guid, channel.site)}
    paths.add(query_address(base, "p", item.wp_id))
    slug = item.post_name
    if slug and item.date:
        day = item.date
        paths.add(normalise(f"{base}/{day:%Y/%m/%d}/{slug}/"))
        paths.add(normalise(f"{base}/{day:%Y/%m}/{slug}/"))
        paths.add(normalise(f"{base}/{day:%Y}/{slug}/"))
    if slug:
        paths.add(normalise(f"{base}/{slug}/"))
    paths.discard(None)
    paths.discard(normalise(base))
    return paths


def category_paths(term, full_slug, channel):
    base = channel.base_path
    return {
        normalise(f"{base}/category/{full_slug}/"),
        query_address(base, "cat", term.wp_id),
    }


def tag_paths(term, channel):
    base = channel.base_path
    return {
        normalise(f"{base}/tag/{term.slug}/"),
        query_address(base, "tag", unquote(term.slug)),
    }


def author_nicename(login):
    """WordPress's author slug, as sanitize_title makes it from the login."""
    return _SLUG.sub("-", login.lower()).strip("-")


def author_paths(author, channel):
    base = channel.base_path
    return {
        normalise(f"{base}/author/{author_nicename(author.login)}/"),
        query_address(base, "author", author.wp_id),
    }


def remember(item, paths):
    """Record `paths` as leading to the imported `item`; a path already taken
    by another item keeps leading there. Returns how many were new."""
    return remember_all([(item, paths)])


def remember_all(pairs):
    """remember() for many (item, paths) at once; of two items naming one
    path, the first keeps it."""
    wanted = {}  # digest: (path, item)
    for item, paths in pairs:
        for path in paths:
            path = normalise(path) if "?" not in path else path
            wanted.setdefault(path_digest(path), (path, item))
    digests = list(wanted)
    taken = set()
    for start in range(0, len(digests), CHUNK):
        found = OldAddress.objects.filter(digest__in=digests[start : start + CHUNK])
        taken.update(found.values_list("digest", flat=True))
    new = [
        OldAddress(path=path, digest=digest, item=item)
        for digest, (path, item) in wanted.items()
        if digest not in taken
    ]
    OldAddress.objects.bulk_create(new, batch_size=CHUNK)
    return len(new)


def destination(keys):
    """The address the first known of `keys` leads to now, or None: nothing
    known, or what it leads to is not public (a draft, a deleted story)."""
    digests = [path_digest(key) for key in keys]
    found = {
        address.digest: address
        for address in OldAddress.objects.filter(digest__in=digests).select_related(
            "item"
        )
    }
    for digest in digests:
        if digest in found:
            return _leads_to(found[digest])
    return None


def _leads_to(address):
    if address.target:
        return address.target
    item = address.item
    if item is None:
        return None
    if item.kind == ImportedItem.Kind.POST:
        story = Article.objects.published().filter(pk=item.article_id).first()
        return story.get_absolute_url() if story else None
    target = item.target
    return target.get_absolute_url() if target is not None else None
