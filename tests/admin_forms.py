"""Build the POST data the story admin form expects, as a browser would send it."""

from __future__ import annotations

from articles.models import Article, Section


def story_post_data(section: Section, article: Article | None = None, **overrides: object) -> dict:
    data: dict[str, object] = {
        "headline": "Lifeboat crew rescues kayakers off Gull Point",
        "slug": "lifeboat-rescue-gull-point",
        "standfirst": "Both were taken to hospital as a precaution.",
        "body": "<p>The lifeboat launched at 14:05 after a call from the coastguard.</p>",
        "section": section.pk,
        "tags": "lifeboat, coast",
        "lead_image_alt": "",
        "lead_image_caption": "",
        "lead_image_credit": "",
        "published_at_0": "",
        "published_at_1": "",
        "comment_mode": "open",
        "comments_close_at_0": "",
        "comments_close_at_1": "",
        "byline_set-TOTAL_FORMS": "0",
        "byline_set-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "source_links-TOTAL_FORMS": "0",
        "source_links-INITIAL_FORMS": "0",
        "figures-TOTAL_FORMS": "0",
        "figures-INITIAL_FORMS": "0",
        "quotes-TOTAL_FORMS": "0",
        "quotes-INITIAL_FORMS": "0",
        "notes-TOTAL_FORMS": "0",
        "notes-INITIAL_FORMS": "0",
    }
    if article is not None:
        data.update(
            headline=article.headline,
            slug=article.slug,
            standfirst=article.standfirst,
            body=article.body,
            section=article.section_id,
            tags=", ".join(article.tags.names()),
            loaded_version=article.version,
            comment_mode=article.comment_mode,
        )
        if article.published_at:
            from django.utils import timezone

            local = timezone.localtime(article.published_at)
            data["published_at_0"] = local.strftime("%Y-%m-%d")
            data["published_at_1"] = local.strftime("%H:%M:%S")
        links = list(article.byline_set.all())
        data["byline_set-TOTAL_FORMS"] = str(len(links))
        data["byline_set-INITIAL_FORMS"] = str(len(links))
        for index, link in enumerate(links):
            data[f"byline_set-{index}-id"] = link.pk
            data[f"byline_set-{index}-article"] = article.pk
            data[f"byline_set-{index}-author"] = link.author_id
            data[f"byline_set-{index}-position"] = link.position
    data.update(overrides)
    return data
