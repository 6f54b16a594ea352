from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: health probes, request ids and JSON logs, the Redis breaker, the worker
    heartbeat and the staff page « État du service ». The bottom of the stack: every app
    may use it, it uses none of them (they register their panels here)."""

    default = True
    name = "ops"
    verbose_name = _("Exploitation")

    def ready(self) -> None:
        from celery import signals

        from . import logs, request_id, status, workers_panel

        signals.before_task_publish.connect(request_id.add_to_task_headers, dispatch_uid="ops-request-id-publish")
        signals.task_prerun.connect(request_id.enter_task, dispatch_uid="ops-request-id-prerun")
        signals.task_postrun.connect(request_id.leave_task, dispatch_uid="ops-request-id-postrun")
        signals.after_setup_logger.connect(logs.setup_celery_logger, dispatch_uid="ops-logs")
        signals.after_setup_task_logger.connect(logs.setup_celery_logger, dispatch_uid="ops-task-logs")
        status.register(workers_panel.PANEL)


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the portal's admin site (with « État du service »)."""

    default = False
    default_site = "ops.admin_site.PortalAdminSite"
