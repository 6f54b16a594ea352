from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailerConfig(AppConfig):
    name = "mailer"
    verbose_name = _("E-mails")

    def ready(self) -> None:
        from ops import status

        from . import work_queue
        from .status_panel import PANEL

        work_queue.register()
        status.register(PANEL)
