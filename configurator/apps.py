from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConfiguratorConfig(AppConfig):
    """The Configurateur, at the top of the stack: order lines, « Passer la commande »,
    warranty items, service orders. It may use every other app; they tell it things through
    signals (a copied dossier, a « Demande de service » posted)."""

    name = "configurator"
    verbose_name = _("Configurateur")

    def ready(self) -> None:
        from communication.signals import service_requested
        from dossiers.signals import dossier_copied

        from . import descriptions, receivers

        descriptions.register()
        dossier_copied.connect(receivers.copy_lines_of_copied_dossier, dispatch_uid="configurator-copy-lines")
        service_requested.connect(receivers.open_service_order, dispatch_uid="configurator-open-service-order")
