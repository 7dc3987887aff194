"""Related stories: the same choice as counting over every story, read from
each tag's newest stories, never a story readers may not see."""

import random
from datetime import timedelta

import pytest
from django.core import serializers
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Lockdown, Tag, TaggedArticle, related
from tests.helpers import make_article, make_draft, make_scheduled, make_section

pytestmark = pytest.mark.django_db

TAG_NAMES = ["Тбилиси", "თბილისი", "Bakı", "Yerevan", "elections", "протесты"]


def exact_related(story):
    """What counting shared tags over every published story chooses."""
    own = set(story.tags.values_list("pk", flat=True))
    ranked = []
    for other in Article.objects.published().exclude(pk=story.pk):
        shared = len(own & set(other.tags.values_list("pk", flat=True)))
        if shared:
            ranked.append((-shared, -other.published_at.timestamp(), -other.pk))
    return [-pk for *_, pk in sorted(ranked)][: related.RELATED_SHORTLIST]


def related_ids(story):
    story = Article.objects.for_story().get(pk=story.pk)
    return [s.pk for s in Article.objects.published().related_to(story)]


def related_headlines(story):
    story = Article.objects.for_story().get(pk=story.pk)
    return [s.headline for s in Article.objects.published().related_to(story)[:4]]


def make_archive(seed, stories=40):
    """Stories with overlapping tags, many published in the same hour, some
    drafts and some scheduled."""
    rng = random.Random(seed)
    section = make_section()
    now = timezone.now().replace(microsecond=0)
    made = []
    for n in range(stories):
        tags = rng.sample(TAG_NAMES, rng.randint(1, 4))
        state = rng.choice(["published"] * 6 + ["draft", "scheduled"])
        fields = {"headline": f"Story {seed}-{n}", "section": section, "tags": tags}
        if state == "draft":
            made.append(make_draft(**fields))
        elif state == "scheduled":
            made.append(make_scheduled(**fields))
        else:
            hours = rng.choice(range(8))  # a few hours, so many ties on time
            made.append(
                make_article(published_at=now - timedelta(hours=hours), **fields)
            )
    return made


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_chooses_as_counting_over_every_story_would(seed):
    archive = make_archive(seed)
    for story in archive:
        assert related_ids(story) == exact_related(story), story.headline
    live = set(Article.objects.published().values_list("pk", flat=True))
    assert any(related_ids(story) for story in archive)
    assert all(set(related_ids(story)) <= live for story in archive)


def test_it_ranks_most_tags_then_newest_then_the_higher_id():
    section, at = make_section(), timezone.now().replace(microsecond=0)
    story = make_article(section=section, tags=["Bakı", "Yerevan"])
    older_two = make_article(
        headline="Both, older",
        section=section,
        tags=["Bakı", "Yerevan"],
        published_at=at - timedelta(days=30),
    )
    first = make_article(
        headline="One, tied, first", section=section, tags=["Bakı"], published_at=at
    )
    second = make_article(
        headline="One, tied, second", section=section, tags=["Yerevan"], published_at=at
    )
    assert second.pk > first.pk
    assert related_headlines(story) == [
        older_two.headline,
        second.headline,
        first.headline,
    ]


def test_it_never_shows_the_story_drafts_or_scheduled_stories():
    story = make_article(tags=["Тбилиси", "elections"])
    make_draft(headline="Draft sharing all", tags=["Тбилиси", "elections"])
    make_scheduled(headline="Scheduled sharing all", tags=["Тбилиси", "elections"])
    shown = make_article(headline="Live sharing one", tags=["elections"])
    assert related_headlines(story) == [shown.headline]
    times = dict(
        TaggedArticle.objects.filter(tag__name="elections").values_list(
            "content_object__headline", "published_at"
        )
    )
    assert times["Draft sharing all"] is None
    assert times["Scheduled sharing all"] > timezone.now()


def test_it_takes_a_scheduled_story_in_on_the_second_it_goes_live(monkeypatch):
    story = make_article(tags=["Bakı"])
    due = make_scheduled(headline="Due tomorrow", tags=["Bakı"])
    assert related_headlines(story) == []
    later = due.published_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert related_headlines(story) == [due.headline]
    assert (
        TaggedArticle.objects.get(content_object=due).published_at == due.published_at
    )


def test_it_drops_a_story_unpublished_deleted_or_untagged_at_once():
    story = make_article(tags=["Yerevan", "протесты"])
    gone = make_article(headline="Unpublished", tags=["Yerevan"])
    deleted = make_article(headline="Deleted", tags=["протесты"])
    untagged = make_article(headline="Untagged", tags=["Yerevan"])
    assert set(related_headlines(story)) == {"Unpublished", "Deleted", "Untagged"}
    gone.status = Article.Status.DRAFT
    gone.save()
    deleted.delete()
    untagged.tags.remove("Yerevan")
    assert related_headlines(story) == []
    assert TaggedArticle.objects.get(content_object=gone).published_at is None
    assert not TaggedArticle.objects.filter(content_object_id=deleted.pk).exists()


def test_it_takes_in_a_story_published_or_retagged():
    story = make_article(tags=["elections"])
    draft = make_draft(headline="Was a draft", tags=["elections"])
    other = make_article(headline="Retagged", tags=["Bakı"])
    draft.status, draft.published_at = Article.Status.PUBLISHED, timezone.now()
    draft.save()
    other.tags.add("elections")
    assert related_headlines(story) == ["Was a draft", "Retagged"]  # newest first
    assert TaggedArticle.objects.get(content_object=draft).published_at == (
        Article.objects.get(pk=draft.pk).published_at
    )


def test_it_holds_back_stories_due_during_a_lockdown():
    story = make_article(tags=["Тбилиси"])
    before = make_article(
        headline="Before the lockdown",
        tags=["Тбилиси"],
        published_at=timezone.now() - timedelta(hours=3),
    )
    lockdown = Lockdown.objects.create(started_by="boss")
    Lockdown.objects.filter(pk=lockdown.pk).update(
        started_at=timezone.now() - timedelta(hours=2)
    )
    held = make_article(
        headline="Due during it",
        tags=["Тбилиси"],
        published_at=timezone.now() - timedelta(hours=1),
    )
    assert not Article.objects.published().filter(pk=held.pk).exists()
    assert related_headlines(story) == [before.headline]


def test_it_stays_exact_while_one_tag_has_more_stories_than_its_window(
    monkeypatch,
):
    monkeypatch.setattr(related, "RELATED_WINDOW", 5)
    now = timezone.now()
    story = make_article(tags=["elections", "Bakı"], published_at=now)
    old = make_article(
        headline="Old, both tags",
        tags=["elections", "Bakı"],
        published_at=now - timedelta(days=400),
    )
    for n in range(12):
        make_article(tags=["elections"], published_at=now - timedelta(hours=n + 1))
    make_article(tags=["Bakı"], published_at=now - timedelta(days=500))
    shown = related.RELATED_WINDOW - 1
    assert related_ids(story)[:shown] == exact_related(story)[:shown]
    assert related_ids(story)[0] == old.pk


def test_it_can_miss_an_old_story_sharing_only_tags_crowded_past_their_window(
    monkeypatch,
):
    """The documented limit: older than each window of two tags it shares."""
    monkeypatch.setattr(related, "RELATED_WINDOW", 5)
    now = timezone.now()
    story = make_article(
        tags=["elections", "Bakı"], published_at=now - timedelta(days=2)
    )
    old = make_article(
        headline="Old, both tags",
        tags=["elections", "Bakı"],
        published_at=now - timedelta(days=400),
    )
    for n in range(6):
        make_article(tags=["elections"], published_at=now - timedelta(hours=n + 1))
        make_article(tags=["Bakı"], published_at=now - timedelta(hours=n + 1))
    assert exact_related(story)[0] == old.pk
    assert old.pk not in related_ids(story)
    assert len(related_ids(story)) == 2 * related.RELATED_WINDOW


def test_it_costs_one_query_whatever_the_size_of_the_archive():
    rng, section = random.Random(4), make_section()
    story = make_article(section=section, tags=["Yerevan", "elections", "Bakı"])
    sizes = []
    for stories in (5, 60):
        while Article.objects.count() < stories:
            make_article(section=section, tags=["Yerevan", rng.choice(TAG_NAMES)])
        loaded = Article.objects.for_story().get(pk=story.pk)
        with CaptureQueriesContext(connection) as queries:
            assert len(list(Article.objects.published().related_to(loaded)[:4])) == 4
        sizes.append([len(q["sql"]) for q in queries.captured_queries])
    assert sizes[0] == sizes[1]
    assert len(sizes[0]) == 1


def test_it_needs_no_query_for_a_story_without_tags(django_assert_num_queries):
    story = Article.objects.for_story().get(pk=make_article().pk)
    make_article(tags=["Bakı"])
    with django_assert_num_queries(0):
        assert list(Article.objects.published().related_to(story)) == []


def test_it_dates_taggings_written_without_signals():
    story = make_article(tags=["Yerevan"])
    scheduled = make_scheduled(tags=["Yerevan"])
    draft = make_draft(tags=["Yerevan"])
    TaggedArticle.objects.update(published_at=None)
    TaggedArticle.objects.filter(tag__name="Yerevan").dated()
    times = dict(TaggedArticle.objects.values_list("content_object", "published_at"))
    assert times == {
        story.pk: story.published_at,
        scheduled.pk: scheduled.published_at,
        draft.pk: None,
    }


def test_it_dates_a_tagging_saved_on_its_own():
    story = make_article()
    tag = Tag.objects.create(name="თბილისი")
    TaggedArticle(tag=tag, content_object_id=story.pk).save()
    assert TaggedArticle.objects.get().published_at == story.published_at


@pytest.mark.parametrize("story_first", [True, False])
def test_it_dates_taggings_loaded_in_either_order(story_first):
    """As loaddata and a recovered revision save them (raw saves)."""
    story = make_draft(headline="Recovered", tags=["Bakı"])
    stale = serializers.serialize("json", TaggedArticle.objects.all())
    story.status, story.published_at = Article.Status.PUBLISHED, timezone.now()
    story.save()
    saved = serializers.serialize("json", [Article.objects.get(pk=story.pk)])
    Article.objects.all().delete()
    for data in [saved, stale] if story_first else [stale, saved]:
        for obj in serializers.deserialize("json", data):
            obj.save()
    assert TaggedArticle.objects.get().published_at == story.published_at
    reader = make_article(tags=["Bakı"])
    assert related_headlines(reader) == ["Recovered"]


def test_the_story_page_shows_the_chosen_stories(client):
    story = make_article(tags=["протесты", "Тбилиси"])
    both = make_article(headline="Протест в Тбилиси", tags=["протесты", "Тбилиси"])
    one = make_article(headline="Another protest", tags=["протесты"])
    make_draft(headline="Draft about protests", tags=["протесты"])
    response = client.get(story.get_absolute_url())
    assert [s.headline for s in response.context["related"]] == [
        both.headline,
        one.headline,
    ]
    page = response.content.decode()
    assert "Протест в Тбилиси" in page
    assert "Draft about protests" not in page
    assert Article.objects.filter(headline="Draft about protests").exists()
