from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """The documents (quote, order confirmation, invoice, warranty document) at the top of the stack: they read
    the configurator's orders and post in Communication; the apps below tell them when."""

    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from communication.signals import service_requested
        from configurator.signals import order_placed
        from dossiers.signals import status_changed
        from ops import status

        from . import checks, descriptions, receivers
        from .status_panel import PANEL

        checks.register()
        descriptions.register()
        status.register(PANEL)
        status_changed.connect(receivers.status_changed, dispatch_uid="documents-status-changed")
        order_placed.connect(receivers.order_placed, dispatch_uid="documents-order-placed")
        service_requested.connect(receivers.service_requested, dispatch_uid="documents-service-requested")
