from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConfiguratorConfig(AppConfig):
    """The Configurateur tab's logic, at the top of the stack: it may use every other app.

    No models yet: the catalogue it configures lives in ``catalogue``.
    """

    name = "configurator"
    verbose_name = _("Configurateur")
