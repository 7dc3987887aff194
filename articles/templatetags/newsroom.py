import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

from articles import prompts as prompt_choice
from articles.links import url_for
from articles.serving import fragments

register = template.Library()

# Inside <script> only these could end the element or start markup.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.inclusion_tag("articles/_prompts.html", takes_context=True)
def membership_prompts(context, placement, paragraph=None):
    """The prompts of one placement, matched against the story on the page if any.

    Every variant is rendered, the prompt's own text visible and the others
    hidden; prompts.js picks one per reader. An admin preview forces its prompt
    (`prompt_preview`) and the variant to show (`prompt_preview_variant`).
    """
    target = context.get("prompt_target")
    forced = context.get("prompt_preview")
    return {
        "placement": placement,
        "prompts": prompt_choice.choose(
            placement, target, paragraph=paragraph, forced=forced
        ),
        "shown_variant": context.get("prompt_preview_variant", 0),
    }


@register.simple_tag
def author_links(authors):
    """A byline's authors as links, listed the active language's way: "A, B and C".

    The sentence around them ("By …") is the template's, so it is translated whole.
    """
    links = [
        format_html('<a href="{}">{}</a>', author.get_absolute_url(), author.name)
        for author in authors
    ]
    if len(links) < 2:
        return mark_safe("".join(links))  # noqa: S308 (each link is escaped)
    separator = escape(pgettext("between authors' names", ", "))
    # Translators: the last two of a byline's names (the first may be a list).
    both = escape(pgettext("between authors' names", "%(names)s and %(last_name)s"))
    return mark_safe(  # noqa: S308 (the names are escaped, the words too)
        both % {"names": separator.join(links[:-1]), "last_name": links[-1]}
    )


@register.simple_tag
def link(viewname, *args):
    """{% url %} for reader pages, remembered between requests (articles.links)."""
    return url_for(viewname, *args)


@register.inclusion_tag("articles/_image.html")
def picture(image, sizes="100vw", loading="lazy", css_class=""):
    """An image at its natural proportions, never a raw file URL in page templates.

    WebP and JPEG renditions by width; built from the image row alone, so it
    costs no query however many pictures a page shows.
    """
    context = {
        "image": image,
        "sizes": sizes,
        "loading": loading,
        "css_class": css_class,
    }
    if image and image.has_renditions():
        context["srcsets"] = {
            "image/webp": image.srcset("webp"),
            "image/jpeg": image.srcset("jpeg"),
        }
        context["src"] = image.fallback_url()
    return context


@register.filter
def jsonld(data):
    """A JSON-LD script element; no value inside it can close the element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),  # noqa: S308
    )


class KeptPartNode(template.Node):
    def __init__(self, nodelist, name, parts, seconds):
        self.nodelist = nodelist
        self.name, self.parts, self.seconds = name, parts, seconds

    def render(self, context):
        return fragments.kept(
            self.name.resolve(context),
            *(part.resolve(context) for part in self.parts),
            render=lambda: self.nodelist.render(context),
            seconds=self.seconds.resolve(context) if self.seconds else None,
        )


@register.tag
def kept_part(parser, token):
    """`{% kept_part "name" pk … seconds=N %}…{% endkept_part %}`: the block,
    kept in the cache apart from the page until what it shows changes, for at
    most N seconds (articles.serving.fragments). The values after the name
    tell its copies apart."""
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("kept_part needs a name.")
    kwargs = template.base.token_kwargs([bit for bit in bits if "=" in bit], parser)
    if set(kwargs) - {"seconds"}:
        raise template.TemplateSyntaxError("kept_part takes only seconds=.")
    positional = [parser.compile_filter(bit) for bit in bits if "=" not in bit]
    nodelist = parser.parse(("endkept_part",))
    parser.delete_first_token()
    return KeptPartNode(nodelist, positional[0], positional[1:], kwargs.get("seconds"))
