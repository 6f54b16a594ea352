from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EREPSConfig(AppConfig):
    """The wiring: settings, URLs, Celery, and the demo seed, which uses every app.

    Installed last, on top of the stack, only for its management commands.
    """

    name = "ereps"
    verbose_name = "e-REPS"

    def ready(self) -> None:
        from accounts.backoffice import refresh_backoffice_group

        # Sent once per app with models, after that app's permissions are created: the
        # last call sees them all (this app has no models, so it gets no signal of its own).
        post_migrate.connect(refresh_backoffice_group, dispatch_uid="ereps-backoffice-group")
