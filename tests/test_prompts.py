"""Choosing and placing membership prompts, their variants and reader-side rules."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import prompts
from articles.models import MembershipPrompt, Tag
from tests.helpers import (
    house_outlet,
    make_article,
    make_outlet,
    make_prompt,
    make_section,
    make_variant,
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


def prompt_html(page, prompt):
    """The <aside> of one prompt in a page."""
    start = page.index(f'data-prompt="{prompt.pk}"')
    return page[page.rindex("<aside", 0, start) : page.index("</aside>", start)]


def variant_tags(aside):
    return re.findall(r'<div class="prompt__variant"[^>]*>', aside)


def test_it_renders_every_variant_with_its_share_and_shows_the_prompts_own_text(
    client,
):
    story = make_article()
    prompt = make_prompt(placement=END, heading="Own words", weight=60)
    b = make_variant(prompt, heading="Other words", weight=30)
    c = make_variant(prompt, heading="Third words", weight=10)
    page = client.get(story.get_absolute_url()).content.decode()
    aside = prompt_html(page, prompt)
    assert variant_tags(aside) == [
        '<div class="prompt__variant" data-variant="0" data-weight="60">',
        f'<div class="prompt__variant" data-variant="{b.pk}" data-weight="30" hidden>',
        f'<div class="prompt__variant" data-variant="{c.pk}" data-weight="10" hidden>',
    ]
    assert aside.index("Own words") < aside.index("Other words")
    assert f'href="/support/go/{prompt.pk}/"' in aside
    assert f'href="/support/go/{prompt.pk}/{b.pk}/"' in aside


def test_it_leaves_out_paused_variants():
    prompt = make_prompt()
    make_variant(prompt, weight=0, heading="Paused")
    running = make_variant(prompt, weight=20)
    assert [v.variant_key for v in prompts.choose(END)[0].versions] == [0, running.pk]


def test_it_renders_the_same_default_whatever_the_variants_order(client):
    story = make_article()
    prompt = make_prompt(placement=END, heading="Control", weight=1)
    make_variant(prompt, heading="Challenger", weight=99)
    pages = {client.get(story.get_absolute_url()).content for _ in range(3)}
    assert len(pages) == 1
    visible = variant_tags(prompt_html(pages.pop().decode(), prompt))
    assert [tag for tag in visible if " hidden" not in tag] == [
        '<div class="prompt__variant" data-variant="0" data-weight="1">'
    ]


def test_editing_a_variant_takes_effect_at_once(client):
    story = make_article()
    prompt = make_prompt(placement=END)
    variant = make_variant(prompt, heading="First try")
    assert "First try" in page_text(client.get(story.get_absolute_url()))
    variant.heading = "Second try"
    variant.save()
    assert "Second try" in page_text(client.get(story.get_absolute_url()))
    variant.delete()
    assert "Second try" not in page_text(client.get(story.get_absolute_url()))


def test_prompts_with_variants_render_without_a_query_once_cached(
    django_assert_num_queries,
):
    from django.template import Context, Template

    prompt = make_prompt(placement=HEADER)
    make_variant(prompt)
    template = Template("{% load newsroom %}{% membership_prompts 'header' %}")
    template.render(Context({}))
    with django_assert_num_queries(0):
        html = template.render(Context({}))
    assert html.count('class="prompt__variant"') == 2


def test_it_hands_the_reader_rules_to_the_script_as_data_attributes(client):
    story = make_article()
    capped = make_prompt(
        placement=END,
        kind=MembershipPrompt.Kind.FUNDRAISER,
        dismissal=MembershipPrompt.Dismissal.FOREVER,
        max_views_per_week=3,
        priority=2,
    )
    fixed = make_prompt(
        placement=END, dismissal=MembershipPrompt.Dismissal.NONE, priority=1
    )
    page = client.get(story.get_absolute_url()).content.decode()
    aside = prompt_html(page, capped)
    assert 'data-kind="fundraiser"' in aside
    assert 'data-dismissal="forever"' in aside
    assert 'data-max-views="3"' in aside
    assert (
        '<button type="button" class="prompt__control" data-prompt-dismiss>Don’t show this again</button>'
        in aside
    )
    assert "already a member" not in aside  # fundraisers stay for members
    other = prompt_html(page, fixed)
    assert 'data-kind="membership"' in other
    assert "data-max-views" not in other
    assert "data-prompt-dismiss" not in other
    assert "data-prompt-member>I’m already a member</button>" in other


def test_the_reader_controls_wait_for_the_script(client):
    # Without JavaScript a button that cannot remember anything would lie.
    story = make_article()
    make_prompt(placement=END, dismissal=MembershipPrompt.Dismissal.DAYS)
    page = client.get(story.get_absolute_url()).content.decode()
    assert '<div class="prompt__controls" data-prompt-controls hidden>' in page


def test_every_page_loads_the_prompt_script_from_our_own_static_files(client):
    story = make_article()
    page = client.get(story.get_absolute_url()).content.decode()
    assert re.findall(r"<script[^>]*>", page) == [
        '<script type="application/ld+json">',  # data, never run
        '<script src="/static/articles/prompts.js" '
        'data-seen-url="/support/seen/" defer>',
    ]
    assert not re.search(r"<[^>]+\son[a-z]+=", page)  # no inline event handlers


def test_the_support_page_lists_tiers_fundraisers_and_why_support_matters(client):
    from articles.models import MembershipTier

    outlet = house_outlet()
    outlet.support_heading = "Why it matters"
    outlet.support_text = "First reason.\n\nSecond <reason>."
    outlet.save()
    MembershipTier.objects.create(
        name="Friend", amount=3, checkout_url="https://pay.example.org/friend"
    )
    make_prompt(
        placement=INLINE,
        paragraph=1,
        kind=MembershipPrompt.Kind.FUNDRAISER,
        heading="Legal fund",
        button_url="https://pay.example.org/legal",
        sections=[make_section()],
    )
    make_prompt(kind=MembershipPrompt.Kind.FUNDRAISER, heading="Ended", is_active=False)
    make_prompt(heading="A membership appeal")
    page = client.get("/support/").content.decode()
    assert '<h2 class="section-heading" id="why-heading">Why it matters</h2>' in page
    assert "<p>First reason.</p>" in page
    assert "<p>Second &lt;reason&gt;.</p>" in page
    assert 'href="https://pay.example.org/friend"' in page
    fundraisers = page[page.index('id="fundraisers-heading"') :]
    assert "Legal fund" in fundraisers
    assert 'href="https://pay.example.org/legal"' in fundraisers
    assert "Ended" not in page
    assert "A membership appeal" not in fundraisers


def test_a_forced_prompt_takes_its_placement_whatever_its_window_and_targeting():
    over = make_prompt(
        placement=INLINE,
        paragraph=2,
        is_active=False,
        ends_at=timezone.now() - timedelta(days=1),
        sections=[make_section()],
    )
    make_prompt(placement=INLINE, paragraph=1)
    assert prompts.choose(INLINE, paragraph=2, forced=over) == [over]
    assert prompts.choose(INLINE, paragraph=1, forced=over) == []
    assert prompts.choose(END, forced=over) == []
    assert prompts.inline_paragraphs(prompts.Target(), forced=over) == {2}


def test_it_targets_the_house_outlets_stories_only():
    ours = make_article()
    partner = make_article(outlet=make_outlet())
    appeal = make_prompt(outlets=[house_outlet()])
    assert prompts.choose(END, prompts.Target.for_article(ours)) == [appeal]
    assert prompts.choose(END, prompts.Target.for_article(partner)) == []


OC_URL = "/story/azerbaijanis-take-to-the-streets-against-russian-invasion/"
JAM_URL = "/story/baku-rally-in-support-of-ukraine/"


def test_the_demo_runs_oc_medias_appeals_with_the_new_rules(client, demo):
    header = MembershipPrompt.objects.get(name="Membership banner")
    fundraiser = MembershipPrompt.objects.get(kind=MembershipPrompt.Kind.FUNDRAISER)
    page = client.get(OC_URL).content.decode()
    banner = prompt_html(page, header)
    assert 'data-dismissal="days" data-dismiss-days="7"' in banner
    # The seed's words stay the default; the variant waits hidden for the script.
    default, variant = variant_tags(banner)
    assert " hidden" not in default and " hidden" in variant
    assert banner.index("Become an OC Media Member") < banner.index(variant)
    assert 'data-max-views="3"' in prompt_html(page, fundraiser)


def test_the_demo_membership_appeal_runs_on_our_stories_only(client, demo):
    ours, partners = page_text(client.get(OC_URL)), page_text(client.get(JAM_URL))
    assert "Interested in directly assisting OC Media?" in ours
    assert "Interested in directly assisting OC Media?" not in partners
    assert "Right now, online media in Georgia" in partners


def test_the_demo_support_page_explains_why_support_matters(client, demo):
    text = page_text(client.get("/support/"))
    assert "Why your support matters" in text
    assert "Independent journalism answers to its readers" in text
    assert "Right now, online media in Georgia" in text
