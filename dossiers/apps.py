from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from accounts.models import Customer, User
        from catalogue.models import Product, ProductGroup
        from catalogue.signals import catalogue_loaded

        from . import checks, descriptions, overview_cache  # noqa: F401  (checks: registers system checks)
        from .models import Dossier

        descriptions.register()

        # Cached overview pages (dossiers.overview_cache): the services move the stamps of
        # what they write with update()/bulk_create(); these catch every model save and
        # delete, the admin's included.
        for sender, receiver in (
            (Dossier, overview_cache.dossier_changed),
            (Customer, overview_cache.customer_changed),
            (User, overview_cache.user_changed),
            (Product, overview_cache.catalogue_changed),
            (ProductGroup, overview_cache.catalogue_changed),
        ):
            uid = f"dossiers-overview-cache-{sender.__name__}"
            post_save.connect(receiver, sender=sender, dispatch_uid=uid)
            post_delete.connect(receiver, sender=sender, dispatch_uid=uid)
        # A catalogue load renames and withdraws products with update(), which sends no save signal.
        catalogue_loaded.connect(overview_cache.catalogue_changed, dispatch_uid="dossiers-overview-catalogue-load")
        # A deploy runs migrate: templates and translations may have changed.
        post_migrate.connect(overview_cache.catalogue_changed, sender=self, dispatch_uid="dossiers-overview-deploy")
