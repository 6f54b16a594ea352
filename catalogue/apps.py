from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    """What can be ordered: product groups and products, their names in every language.

    Below dossiers in the stack: it knows nothing of dossiers, orders or messages.
    """

    name = "catalogue"
    verbose_name = _("Catalogue")
