from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Site"

    def ready(self) -> None:
        # Importing the checks registers them with Django's check framework, and staff_auth's
        # sign-in receiver must be connected before anyone signs in.
        from newsroom import checks, edge_purge, invalidation, request_signals, staff_auth  # noqa: F401

        invalidation.connect()
        # Second: on commit, the app's own cache moves on before nginx is told to purge.
        edge_purge.connect()
        request_signals.connect()
