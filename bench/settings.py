"""Settings for the benchmark: the production settings plus a floor URL and the bench app.

Imported by gunicorn and by ``manage.py bench_data`` through
``DJANGO_SETTINGS_MODULE=bench.settings`` (see run.py); the portal's own settings and
URLs stay free of benchmark code.
"""

from ereps.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405  (its bench_data command)
ROOT_URLCONF = "bench.urls"
# Pages are measured, not static files: no manifest (and no collectstatic) needed.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
