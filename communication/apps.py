from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunicationConfig(AppConfig):
    name = "communication"
    verbose_name = _("Communication")

    def ready(self) -> None:
        from . import descriptions, work_queue

        descriptions.register()
        work_queue.register()
