"""Cache invalidation, the only thing signals are used for."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from articles import prompts
from articles.cache import forget_pages
from articles.models import MembershipPrompt, PromptVariant


@receiver(post_save, sender=MembershipPrompt)
@receiver(post_delete, sender=MembershipPrompt)
@receiver(post_save, sender=PromptVariant)
@receiver(post_delete, sender=PromptVariant)
def forget_prompts_on_change(sender, **kwargs):
    prompts.forget_prompts()


for through in (
    MembershipPrompt.sections.through,
    MembershipPrompt.tags.through,
    MembershipPrompt.outlets.through,
):
    m2m_changed.connect(
        forget_prompts_on_change,
        sender=through,
        dispatch_uid=f"prompts-{through.__name__}",
    )


# Pages show every model of this app and the tags. Models whose writes pages
# never show (counters, logs) are listed here so they do not empty the cache:
# the prompts' daily view and click counts are written as readers browse.
NOT_SHOWN_ON_PAGES = frozenset({"articles.promptdailystat"})


def _is_shown(sender):
    meta = sender._meta
    return (
        meta.app_label in ("articles", "taggit")
        and meta.label_lower not in NOT_SHOWN_ON_PAGES
    )


@receiver(post_save, dispatch_uid="pages-on-save")
@receiver(post_delete, dispatch_uid="pages-on-delete")
@receiver(m2m_changed, dispatch_uid="pages-on-m2m")
def forget_pages_on_change(sender, **kwargs):
    if _is_shown(sender):
        forget_pages()
