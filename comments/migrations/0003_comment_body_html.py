from django.db import migrations, models


def fill_body_html(apps, schema_editor):
    # Historical models have no save() override, so derive the column here for existing rows.
    from comments.text import render_body

    Comment = apps.get_model("comments", "Comment")
    batch = []
    for comment in Comment.objects.only("pk", "body").iterator(chunk_size=2000):
        comment.body_html = render_body(comment.body)
        batch.append(comment)
        if len(batch) == 2000:
            Comment.objects.bulk_update(batch, ["body_html"])
            batch = []
    if batch:
        Comment.objects.bulk_update(batch, ["body_html"])


class Migration(migrations.Migration):
    dependencies = [("comments", "0002_wordpress_ids")]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="body_html",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_body_html, migrations.RunPython.noop),
    ]
