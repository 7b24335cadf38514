from django.db import migrations, models


def read_flag_state_from_the_log(apps, schema_editor):
    """Comments that flags took down before this field existed: the log says what happened.

    A comment whose latest take-down by flags was followed by a person publishing it is kept;
    one still waiting (or decided otherwise) since is hidden, so a later approval keeps it.
    """
    Comment = apps.get_model("comments", "Comment")
    ModerationEvent = apps.get_model("comments", "ModerationEvent")
    last_taken_down = {}
    events = ModerationEvent.objects.filter(
        action="returned", actor_kind="rule", actor_name="flags", comment__isnull=False
    ).values_list("comment_id", "at")
    for comment_id, at in events.iterator(chunk_size=2000):
        if comment_id not in last_taken_down or at > last_taken_down[comment_id]:
            last_taken_down[comment_id] = at
    for comment in Comment.objects.filter(pk__in=list(last_taken_down)).iterator(chunk_size=500):
        kept = (
            comment.status == "approved"
            and comment.moderated_by_id is not None
            and comment.moderated_at is not None
            and comment.moderated_at > last_taken_down[comment.pk]
        )
        comment.flag_state = "kept" if kept else "hidden"
        comment.save(update_fields=["flag_state"])


class Migration(migrations.Migration):
    dependencies = [("comments", "0003_comment_body_html")]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="flag_state",
            field=models.CharField(
                choices=[
                    ("counting", "Flags can take it down"),
                    ("hidden", "Taken down by readers' flags"),
                    ("kept", "Kept by a moderator; flags no longer take it down"),
                ],
                default="counting",
                editable=False,
                help_text="Whether readers' flags can still send it back to the queue.",
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="moderationlimits",
            name="flags_per_hour",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Flags one address may send in an hour; more are refused and not "
                "counted (default 10).",
                null=True,
            ),
        ),
        migrations.AddIndex(
            model_name="flag",
            index=models.Index(fields=["ip_hash", "at"], name="flag_address_idx"),
        ),
        migrations.AddConstraint(
            model_name="comment",
            constraint=models.CheckConstraint(
                condition=models.Q(("flag_state__in", ["counting", "hidden", "kept"])),
                name="comment_flag_state_known",
            ),
        ),
        migrations.RunPython(read_flag_state_from_the_log, migrations.RunPython.noop),
    ]
