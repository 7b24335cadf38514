from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Site"

    def ready(self) -> None:
        # Importing the checks registers them with Django's check framework.
        from newsroom import checks, invalidation  # noqa: F401

        invalidation.connect()
