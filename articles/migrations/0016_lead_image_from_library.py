"""A story's lead image is now a picture of the media library (moved there by 0009)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_move_lead_images_into_library")]

    operations = [
        *(
            migrations.RemoveField(model_name=model, name=name)
            for model in ("article", "historicalarticle")
            for name in ("lead_image", "lead_image_width", "lead_image_height")
        ),
        migrations.RemoveField(model_name="article", name="lead_image_renditions"),
        migrations.RenameField(model_name="article", old_name="lead_picture", new_name="lead_image"),
        migrations.RenameField(
            model_name="historicalarticle", old_name="lead_picture", new_name="lead_image"
        ),
            migrations.AlterField(
            model_name='article',
            name='lead_image',
            field=models.ForeignKey(blank=True, help_text='The picture at the top of the story, from the media library.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='lead_of', to='articles.image'),
        ),
        migrations.AlterField(
            model_name='article',
            name='lead_image_alt',
            field=models.CharField(blank=True, help_text="What the image shows, for readers who cannot see it. Required with an image; empty takes the library's.", max_length=300, verbose_name='alt text'),
        ),
        migrations.AlterField(
            model_name='article',
            name='lead_image_caption',
            field=models.CharField(blank=True, help_text="Shown under the image; empty takes the library's.", max_length=300, verbose_name='caption'),
        ),
        migrations.AlterField(
            model_name='historicalarticle',
            name='lead_image',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The picture at the top of the story, from the media library.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='articles.image'),
        ),
        migrations.AlterField(
            model_name='historicalarticle',
            name='lead_image_alt',
            field=models.CharField(blank=True, help_text="What the image shows, for readers who cannot see it. Required with an image; empty takes the library's.", max_length=300, verbose_name='alt text'),
        ),
        migrations.AlterField(
            model_name='historicalarticle',
            name='lead_image_caption',
            field=models.CharField(blank=True, help_text="Shown under the image; empty takes the library's.", max_length=300, verbose_name='caption'),
        ),
    
    ]
