"""Choosing which membership prompts go where.

Every page asks for the prompts of a placement. The switched-on prompts and
their targeting are read once and kept in the cache (aged by the prompts'
surrogate key, which any change to a prompt purges, in every process), so
choosing costs no query; windows are checked against the clock
on each call, so a prompt starts and stops on time without a cache flush.

What is chosen here is the same for every reader, so pages stay cacheable:
which variant a reader sees, dismissals and frequency caps are decided in the
reader's browser by static/articles/prompts.js.
"""

from dataclasses import dataclass, field
from operator import attrgetter

from django.core.cache import cache
from django.utils import timezone

from articles import editions
from articles.models import MembershipPrompt, PromptVariant
from articles.serving.dependencies import PROMPTS, depend_on
from articles.serving.invalidation import version_key, versions_of

# A new name whenever what is kept under it changes shape or module.
CACHE_KEY = "prompts:active:v4"
CACHE_SECONDS = 300


@dataclass(frozen=True)
class Target:
    """What a page offers prompts to match against; empty for non-story pages."""

    section_id: int | None = None
    tag_ids: frozenset = field(default_factory=frozenset)
    outlet_id: int | None = None
    language: str = ""

    @classmethod
    def for_article(cls, article):
        return cls(
            section_id=article.section_id,
            tag_ids=frozenset(tag.pk for tag in article.tags.all()),
            outlet_id=article.outlet_id,
            language=article.language,
        )

    @property
    def is_story(self):
        return self.section_id is not None


@dataclass(frozen=True)
class Candidate:
    prompt: MembershipPrompt
    section_ids: frozenset
    tag_ids: frozenset
    outlet_ids: frozenset
    languages: frozenset

    @property
    def is_targeted(self):
        return bool(
            self.section_ids or self.tag_ids or self.outlet_ids or self.languages
        )

    def is_live(self, now):
        prompt = self.prompt
        if prompt.starts_at and prompt.starts_at > now:
            return False
        return not (prompt.ends_at and prompt.ends_at <= now)

    def matches(self, target, now):
        if not self.is_live(now):
            return False
        # Every page has a language: a story's, or elsewhere its edition's.
        if self.languages and not _language_matches(target.language, self.languages):
            return False
        if not target.is_story:
            # Outside a story there is no section, tag or outlet to match.
            return not (self.section_ids or self.tag_ids or self.outlet_ids)
        return (
            (not self.section_ids or target.section_id in self.section_ids)
            and (not self.tag_ids or bool(self.tag_ids & target.tag_ids))
            and (not self.outlet_ids or target.outlet_id in self.outlet_ids)
        )


def _language_matches(language, wanted):
    primary = language.split("-")[0]
    return language in wanted or primary in wanted


def active_candidates():
    """Switched-on prompts with their targeting, from the cache when possible.

    They are kept with the version of the prompts' key (serving.dependencies):
    a change to any prompt, made in this process or another, purges that key,
    and the next read here finds the kept list out of date."""
    depend_on(PROMPTS)  # the page shows what they say, and where they run
    name = version_key(PROMPTS)
    found = cache.get_many([CACHE_KEY, name])
    kept = found.get(CACHE_KEY)
    if kept is not None and name in found and kept[0] == found[name]:
        return kept[1]
    # The version before the rows: a change meanwhile leaves this list stale.
    versions = versions_of([PROMPTS])
    switched_on = MembershipPrompt.objects.filter(is_active=True)
    candidates = [_candidate(prompt) for prompt in switched_on.with_their_rows()]
    if versions is not None:  # else the cache is unreachable: read them each time
        cache.set(CACHE_KEY, (versions[PROMPTS], candidates), CACHE_SECONDS)
    return candidates


def _candidate(prompt):
    variants = sorted(
        (
            PromptVariant(prompt_id=prompt.pk, **row)
            for row in prompt.variants_listed or ()
        ),
        key=attrgetter("pk"),
    )
    # What prompt.versions would read through a query, from the rows in hand.
    prompt.versions = prompt.versions_among(variants)
    return Candidate(
        prompt=prompt,
        section_ids=frozenset(prompt.sections_listed or ()),
        tag_ids=frozenset(prompt.tags_listed or ()),
        outlet_ids=frozenset(prompt.outlets_listed or ()),
        languages=frozenset(prompt.language_list),
    )


def forget_prompts():
    cache.delete(CACHE_KEY)


def _best_first(prompts):
    # Higher priority first; among equals the older prompt, so the order never flickers.
    return sorted(prompts, key=lambda p: (-p.priority, p.pk))


def choose(placement, target=None, paragraph=None, now=None, forced=None):
    """The prompts for one placement (and inline paragraph), best first, up to its limit.

    `forced` is a prompt being previewed in the admin: it takes its own
    placement (and paragraph) whatever its window, targeting or switch say.
    """
    if forced is not None and forced.placement == placement:
        if paragraph is None or forced.paragraph == paragraph:
            return [forced]
        return []
    target = target or Target(language=editions.active())
    now = now or timezone.now()
    chosen = _best_first(
        c.prompt
        for c in active_candidates()
        if c.prompt.placement == placement
        and (paragraph is None or c.prompt.paragraph == paragraph)
        and c.matches(target, now)
    )
    return chosen[: MembershipPrompt.Placement(placement).limit]


def inline_paragraphs(target, now=None, forced=None):
    """Paragraph numbers after which an inline prompt will show on this story."""
    if forced is not None and forced.placement == MembershipPrompt.Placement.INLINE:
        return {forced.paragraph}
    now = now or timezone.now()
    return {
        c.prompt.paragraph
        for c in active_candidates()
        if c.prompt.placement == MembershipPrompt.Placement.INLINE
        and c.matches(target, now)
    }


def fundraisers(now=None):
    """Live fundraisers of every placement and targeting, for the support page
    of the edition their languages (if any) name."""
    now = now or timezone.now()
    language = editions.active()
    return _best_first(
        c.prompt
        for c in active_candidates()
        if c.prompt.kind == MembershipPrompt.Kind.FUNDRAISER
        and c.is_live(now)
        and (not c.languages or _language_matches(language, c.languages))
    )


def live_version(prompt_id, variant_id=0, now=None):
    """The live prompt with this id, if variant_id is 0 or one of its variants; else None.

    Beacons name what a reader saw by these ids; only live prompts count.
    """
    now = now or timezone.now()
    for candidate in active_candidates():
        prompt = candidate.prompt
        if prompt.pk == prompt_id and candidate.is_live(now):
            keys = {version.variant_key for version in prompt.versions}
            return prompt if variant_id in keys else None
    return None
