"""{% review_queue as queue %}: the lists the admin's home page shows the
signed-in person (articles/admin/queue.py), like Django's own
{% get_admin_log %} on the same page. Only admin templates load it."""

from django import template

from articles.admin.queue import review_queue as lists_for

register = template.Library()


@register.simple_tag(takes_context=True)
def review_queue(context):
    return lists_for(context["request"].user)
