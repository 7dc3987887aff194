"""Membership prompts for readers: which prompt goes where, and their figures.

- choice: the prompts a page shows, per placement, matched to the story
  (cached; the same for every reader, so pages stay cacheable);
- views: the click redirect and the view beacon;
- counting: counting clicks and views without tracking anyone;
- figures: totals, days, chart and CSV for editors.

The model is articles.models.membership (MembershipPrompt, PromptVariant,
PromptDailyStat); the admin is articles.admin.prompts; the template tag
{% membership_prompts %} is in articles.templatetags.newsroom; what each
reader sees (variant, dismissal, frequency) is decided in their browser by
static/articles/prompts.js. This package imports models only; views, the
template tag, signals and the admin import it.

How to add a placement (say, one under the home page's latest stories):
1. add it to MembershipPrompt.Placement (value and label), and in its `limit`
   if more than one prompt may show there at once; `makemigrations`;
2. put {% membership_prompts "its-value" %} where it goes in a template;
3. if it should look unlike the others, style `.prompt--its-value` in
   static/articles/site.css.
Choosing, targeting, windows, variants, counting, figures, the admin and
prompts.js work for it as they are.
"""

from .choice import (
    Target,
    choose,
    forget_prompts,
    fundraisers,
    inline_paragraphs,
    live_version,
)

__all__ = [
    "Target",
    "choose",
    "forget_prompts",
    "fundraisers",
    "inline_paragraphs",
    "live_version",
]
