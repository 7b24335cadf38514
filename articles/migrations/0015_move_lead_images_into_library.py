"""Every story's own lead image becomes a picture in the media library, used by that story.

The file, its size and its renditions move as they are (they were cleaned and made at upload);
the crops around the focal point (the centre, until an editor moves it) are made here. The
story's alt text, caption and credit stay on the story and are copied to the picture, so the
library starts with the words each picture was published with. Past versions in the history
point at the same picture.
"""

import logging

from django.core.files.storage import default_storage
from django.db import migrations

from articles import images

logger = logging.getLogger(__name__)


def into_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    HistoricalArticle = apps.get_model("articles", "HistoricalArticle")
    Image = apps.get_model("articles", "Image")
    by_name = {}
    for article in Article.objects.exclude(lead_image="").order_by("pk").iterator():
        name = article.lead_image.name
        image = by_name.get(name)
        if image is None:
            try:
                crops = images.make_crops(name, default_storage, (0.5, 0.5))
            except Exception:
                # A file lost from storage must not stop the migration; the story keeps the
                # picture's record and its whole-picture renditions are used instead.
                logger.warning("No crops for %s: the file could not be read", name, exc_info=True)
                crops = {}
            image = Image.objects.create(
                file=name,
                width=article.lead_image_width,
                height=article.lead_image_height,
                renditions=article.lead_image_renditions or [],
                crops=crops,
                alt_text=article.lead_image_alt or article.headline,
                caption=article.lead_image_caption,
                credit=article.lead_image_credit,
                uploaded_by_id=article.created_by_id,
                uploaded_at=article.created_at,
            )
            by_name[name] = image
        Article.objects.filter(pk=article.pk).update(lead_picture=image)
    for name, image in by_name.items():
        HistoricalArticle.objects.filter(lead_image=name).update(lead_picture=image)


def out_of_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    HistoricalArticle = apps.get_model("articles", "HistoricalArticle")
    for article in Article.objects.exclude(lead_picture=None).select_related("lead_picture"):
        image = article.lead_picture
        Article.objects.filter(pk=article.pk).update(
            lead_image=image.file.name,
            lead_image_width=image.width,
            lead_image_height=image.height,
            lead_image_renditions=image.renditions,
        )
    for version in HistoricalArticle.objects.exclude(lead_picture=None).select_related(
        "lead_picture"
    ):
        HistoricalArticle.objects.filter(pk=version.pk).update(
            lead_image=version.lead_picture.file.name
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0014_image_library")]

    operations = [migrations.RunPython(into_library, out_of_library)]
