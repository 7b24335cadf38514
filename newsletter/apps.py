from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = "Newsletter"

    def ready(self) -> None:
        # Here, not at the top: the receiver reads the models, which load after this file.
        from newsletter import bounces, page_cache

        bounces.connect()
        page_cache.connect()
