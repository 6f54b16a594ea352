from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from configurator.models import ProductGroup

        from .overview import forget_group_choices

        # The overview caches the product groups of its filter (dossiers.overview.group_choices).
        post_save.connect(forget_group_choices, sender=ProductGroup, dispatch_uid="dossiers-forget-group-choices")
        post_delete.connect(forget_group_choices, sender=ProductGroup, dispatch_uid="dossiers-forget-group-choices")
