from django.apps import AppConfig


class EREPSConfig(AppConfig):
    """The wiring: settings, URLs, Celery, and the demo seed, which uses every app.

    Installed last, on top of the stack, only for its management commands.
    """

    name = "ereps"
    verbose_name = "e-REPS"
