"""What a story's revision keeps: the story with its byline, corrections and tags.

ArticleAdmin registers the story through here instead of VersionAdmin's own
registration (which follows inlines only), so that reverting a story also
restores how it was tagged. Images, prompts and tiers are registered by their
VersionAdmin as they are.
"""

import reversion

from articles.models import Article, Byline, Correction, TaggedArticle


def register():
    for model in (Byline, Correction, TaggedArticle):
        if not reversion.is_registered(model):
            reversion.register(model)
    if not reversion.is_registered(Article):
        reversion.register(
            Article,
            follow=["bylines", "corrections", "tagged_items"],
            # A revoked preview key must never come back with a revert.
            exclude=["preview_key"],
        )
