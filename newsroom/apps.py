from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Site"

    def ready(self) -> None:
        from newsroom import invalidation

        invalidation.connect()
