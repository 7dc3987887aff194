"""Cache invalidation, the only thing signals are used for."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from articles import prompts
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
