"""Choosing and placing membership prompts."""

from datetime import timedelta

import pytest
from django.utils import timezone
from taggit.models import Tag

from articles import prompts
from articles.models import MembershipPrompt
from tests.helpers import (
    make_article,
    make_outlet,
    make_prompt,
    make_section,
    page_text,
)

pytestmark = pytest.mark.django_db
HEADER = MembershipPrompt.Placement.HEADER
END = MembershipPrompt.Placement.ARTICLE_END
INLINE = MembershipPrompt.Placement.INLINE


def test_it_shows_header_prompts_on_every_page(client):
    make_prompt(placement=HEADER, heading="Join us today")
    story = make_article()
    for url in [
        "/",
        story.get_absolute_url(),
        story.section.get_absolute_url(),
        "/search/",
        "/support/",
    ]:
        assert "Join us today" in page_text(client.get(url)), url


def test_it_respects_the_window(client):
    now = timezone.now()
    make_prompt(placement=HEADER, heading="Not yet", starts_at=now + timedelta(hours=1))
    make_prompt(placement=HEADER, heading="Over", ends_at=now - timedelta(hours=1))
    make_prompt(placement=HEADER, heading="Switched off", is_active=False)
    make_prompt(
        placement=HEADER,
        heading="Running",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
    )
    assert [p.heading for p in prompts.choose(HEADER)] == ["Running"]


def test_it_orders_by_priority_with_a_stable_tie_break_and_limits_each_placement():
    low = make_prompt(placement=END, priority=1)
    first_tie = make_prompt(placement=END, priority=5)
    second_tie = make_prompt(placement=END, priority=5)
    assert prompts.choose(END) == [first_tie, second_tie]
    assert low not in prompts.choose(END)
    make_prompt(placement=HEADER, priority=1)
    assert len(prompts.choose(HEADER)) == 1


def test_it_targets_by_section_tag_outlet_and_language():
    news = make_section()
    partner = make_outlet()
    story = make_article(section=news, tags=["Baku"], language="az")
    target = prompts.Target.for_article(story)
    other = prompts.Target.for_article(make_article(outlet=partner, language="en"))
    baku = Tag.objects.get(name="Baku")

    by_section = make_prompt(sections=[news], priority=4)
    by_tag = make_prompt(tags=[baku], priority=3)
    by_outlet = make_prompt(outlets=[partner], priority=2)
    by_language = make_prompt(languages="az, uk", priority=1)

    story_prompts = {p.pk for p in prompts.choose(END, target)}
    assert story_prompts == {by_section.pk, by_tag.pk}  # limit two, best first
    assert prompts.choose(END, other) == [by_outlet]
    # Outside a story only untargeted prompts can show.
    assert prompts.choose(END) == []
    by_language.sections.set([news])
    assert by_language not in prompts.choose(END, other)


def test_inline_prompts_follow_their_paragraph(client):
    story = make_article(
        body="<p>First.</p><h2>Heading</h2><p>Second.</p><p>Third.</p>"
    )
    make_prompt(placement=INLINE, paragraph=2, heading="Mid-story appeal")
    page = client.get(story.get_absolute_url()).content.decode()
    appeal = page.index("Mid-story appeal")
    assert page.index("<p>Second.</p>") < appeal < page.index("<p>Third.</p>")


def test_end_prompts_come_after_the_story(client):
    story = make_article()
    make_prompt(placement=END, heading="After the story")
    page = client.get(story.get_absolute_url()).content.decode()
    assert page.index("</article>") < page.index("After the story")


def test_editing_a_prompt_takes_effect_at_once(client):
    story = make_article()
    prompt = make_prompt(placement=END, heading="Old words")
    assert "Old words" in page_text(client.get(story.get_absolute_url()))
    prompt.heading = "New words"
    prompt.save()
    assert "New words" in page_text(client.get(story.get_absolute_url()))
    prompt.sections.set([make_section()])
    assert "New words" not in page_text(client.get(story.get_absolute_url()))


def test_choosing_prompts_costs_no_query_once_cached(django_assert_num_queries):
    make_prompt(placement=HEADER)
    prompts.choose(HEADER)
    with django_assert_num_queries(0):
        prompts.choose(HEADER)


def test_prompt_text_is_escaped(client):
    story = make_article()
    make_prompt(placement=END, heading="<script>alert(1)</script>", body="<b>bold</b>")
    page = client.get(story.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
