"""Membership prompts never move the page (Cumulative Layout Shift).

The page is the same for every reader; prompts.js then picks a variant,
shows the reader's controls and withholds what the reader hid. None of that
may move what is on screen. Each page here is loaded the way a slow line
loads it: the page is drawn, with the prompt under test scrolled into view,
before the script arrives; then the layout shifts Chromium recorded are added
up (as Lighthouse does, leaving out those right after the reader's input).
Every variant of every placement is measured on a desktop and on a phone.
"""

import json

import pytest

from tests.browser.site import assert_well_behaved, watch

pytestmark = pytest.mark.browser

STORE = "newsroom.prompts"
HOUSE_STORY = "/story/azerbaijanis-take-to-the-streets-against-russian-invasion/"
# Where each placement is on screen, and the prompts that show there.
PLACEMENTS = {
    "header": HOUSE_STORY,
    "inline": HOUSE_STORY,
    "article_end": HOUSE_STORY,
    "home": "/",
}
VIEWPORTS = ["desktop", "mobile"]
MOST_SHIFT = 0.05  # "good" CLS is under 0.1; prompts may use half of it at most

NAME = "Layout shift (browser tests)"
# Variants that make each running prompt's wordings differ in size: a long
# one in three scripts and a short one with a heading alone.
SET_UP = f"""
import json
from articles.models import MembershipPrompt, PromptVariant
LONG_BODY = (
    "Independent reporting from Baku, Tbilisi and Yerevan costs money.\\n\\n"
    "Ваша поддержка помогает нам оставаться независимыми и работать там, "
    "где другие не могут.\\n\\n"
    "თქვენი მხარდაჭერა ჩვენს ჟურნალისტებს დამოუკიდებლად მუშაობაში ეხმარება."
)
for prompt in MembershipPrompt.objects.filter(is_active=True):
    PromptVariant.objects.get_or_create(
        prompt=prompt, name={NAME!r} + " long",
        defaults=dict(weight=10, body=LONG_BODY,
            heading="Müstəqil jurnalistikanı dəstəkləyin: every reader counts",
            button_label="Become a member today and keep us independent"),
    )
    PromptVariant.objects.get_or_create(
        prompt=prompt, name={NAME!r} + " short",
        defaults=dict(weight=10, heading="Поддержите нас", body="", button_label="Join"),
    )
print(json.dumps({{
    prompt.pk: [0, *prompt.variants.filter(weight__gt=0).order_by("pk")
                   .values_list("pk", flat=True)]
    for prompt in MembershipPrompt.objects.filter(is_active=True)
}}))
"""
CLEAN_UP = f"""
from articles.models import PromptVariant
PromptVariant.objects.filter(name__startswith={NAME!r}).delete()
print(PromptVariant.objects.filter(name__startswith={NAME!r}).count())
"""

# The stylesheet is in and the parser is done, but prompts.js is not run yet.
DRAWN_WITHOUT_SCRIPT = """
() => document.readyState !== "loading"
  && [...document.querySelectorAll("link[rel=stylesheet]")].every((link) => link.sheet)
"""
NEXT_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
SCROLL_TO = """
(selector) => {
  const prompt = document.querySelector(selector);
  if (prompt) prompt.scrollIntoView({ block: "center" });
}
"""
BOXES = """
(selector) => [...document.querySelectorAll(selector)].map((prompt) => {
  const box = prompt.getBoundingClientRect();
  return { prompt: prompt.dataset.prompt, top: box.top + scrollY, height: box.height };
})
"""
# Every layout shift since the page started, buffered, without those right
# after the reader's input; what moved, for the failure message.
LAYOUT_SHIFTS = """
() => new Promise((done) => {
  const found = { total: 0, moved: [] };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.hadRecentInput) continue;
      found.total += entry.value;
      for (const source of entry.sources || []) {
        const node = source.node;
        found.moved.push(node && node.nodeType === 1
          ? node.outerHTML.slice(0, 80) : String(node && node.nodeName));
      }
    }
  });
  observer.observe({ type: "layout-shift", buffered: true });
  setTimeout(() => { observer.disconnect(); done(found); }, 250);
})
"""


@pytest.fixture(scope="module")
def versions(live_site):
    """Every running prompt's versions ({prompt id: [0, variant id, …]}),
    with the long and short variants added for these tests and removed after."""
    made = json.loads(live_site.manage("shell", "--no-imports", "-c", SET_UP))
    yield {int(prompt): keys for prompt, keys in made.items()}
    assert live_site.manage("shell", "--no-imports", "-c", CLEAN_UP).strip() == "0"


def opened_before_the_script(context, live_site, path, selector):
    """A page drawn, with `selector` in view, before prompts.js runs; then run it.

    The page, the boxes of `selector` as drawn without the script, and what
    the page did (for assert_well_behaved).
    """
    page = context.new_page()
    seen = watch(page, live_site.origin)
    held = []
    page.route("**/articles/prompts*.js", lambda route: held.append(route))
    page.goto(path, wait_until="commit")
    page.wait_for_function(DRAWN_WITHOUT_SCRIPT)
    while not held:
        page.wait_for_timeout(20)
    page.evaluate(SCROLL_TO, selector)
    page.evaluate(NEXT_FRAMES)
    before = page.evaluate(BOXES, selector)
    held[0].continue_()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # the script's last changes, drawn
    return page, before, seen


def layout_shift(page):
    return page.evaluate(LAYOUT_SHIFTS)


def with_state(context, state):
    """What prompts.js will find in the reader's storage on every page load."""
    context.add_init_script(
        f"localStorage.setItem({STORE!r}, {json.dumps(json.dumps(state))});"
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("placement", PLACEMENTS)
def test_no_variant_of_a_prompt_moves_the_page(
    live_site, new_context, versions, placement, viewport
):
    selector = f"aside.prompt--{placement}"
    for turn in range(max(len(keys) for keys in versions.values())):
        # Every prompt on the page gets its version number `turn` (or its last).
        chosen = {
            prompt: keys[min(turn, len(keys) - 1)] for prompt, keys in versions.items()
        }
        context = new_context(viewport=viewport)
        with_state(context, {"variants": chosen})
        page, before, seen = opened_before_the_script(
            context, live_site, PLACEMENTS[placement], selector
        )
        where = f"{placement}, version {turn}, {viewport}"
        assert before, f"no {placement} prompt on {PLACEMENTS[placement]}"
        shown = page.locator(f"{selector} [data-variant]:visible")
        assert [
            shown.nth(n).get_attribute("data-variant") for n in range(shown.count())
        ] == [str(chosen[int(box["prompt"])]) for box in before], where
        shifts = layout_shift(page)
        assert shifts["total"] < MOST_SHIFT, f"{where}: {shifts}"
        assert page.evaluate(BOXES, selector) == before, f"{where}: the box changed"
        assert_well_behaved(seen)
        context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("placement", PLACEMENTS)
def test_a_prompt_the_reader_hid_earlier_does_not_move_the_page(
    live_site, new_context, versions, placement, viewport
):
    """prompts.js withholds a prompt the reader dismissed, capped or is a member
    for. One wholly below the window goes (what moves is off screen, which
    Lighthouse does not count); one in view, as here, or above it keeps its box,
    unseen, for that page view rather than collapse under the reader's eyes."""
    # A member who also dismissed everything for good: no prompt is shown.
    context = new_context(viewport=viewport)
    with_state(
        context,
        {"member": True, "dismissed": dict.fromkeys(versions, "forever")},
    )
    selector = f"aside.prompt--{placement}"
    page, before, seen = opened_before_the_script(
        context, live_site, PLACEMENTS[placement], selector
    )
    assert before, f"no {placement} prompt on {PLACEMENTS[placement]}"
    assert page.locator(f"{selector}:visible").count() == 0
    assert page.locator(f"{selector} a:visible, {selector} button:visible").count() == 0
    shifts = layout_shift(page)
    assert shifts["total"] < MOST_SHIFT, f"{placement}, {viewport}: {shifts}"
    assert_well_behaved(seen)
