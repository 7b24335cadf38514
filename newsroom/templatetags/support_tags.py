"""The support appeal under a story, for templates of the apps below that cannot import the
campaign: `{% load support_tags %}{% support_box %}`."""

from __future__ import annotations

from django import template
from django.template import Context
from django.utils.safestring import SafeString

from articles import page_tags
from newsroom.models import SupportCampaign

register = template.Library()

SUPPORT_TEMPLATE = "newsroom/_support_campaign.html"


@register.simple_tag(takes_context=True)
def support_box(context: Context) -> SafeString:
    """The running campaign's appeal, or nothing; drawn with the page's context, as an
    `{% include %}` would, so the partial sees SITE_NAME."""
    assert context.template is not None  # a tag renders inside a template
    if "request" in context:
        page_tags.also_shows(context["request"], page_tags.CAMPAIGN)
    partial = context.template.engine.get_template(SUPPORT_TEMPLATE)
    with context.push(campaign=SupportCampaign.objects.current()):
        return partial.render(context)
