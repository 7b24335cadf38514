from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Reader comments"

    def ready(self) -> None:
        # Here, not at the top: notifications reads the models, which load after this file.
        from comments import notifications

        notifications.connect()
