"""The admin site with the staff page « État du service » (``admin:status``).

The page draws the panels the apps registered (:mod:`ops.status`); the app list (index
and side bar) links to it under « Exploitation ».
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext as _

from . import status


class PortalAdminSite(admin.AdminSite):
    def get_urls(self) -> list[URLResolver | URLPattern]:
        return [path("status/", self.admin_view(self.status_view), name="status"), *super().get_urls()]

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
        apps = super().get_app_list(request, app_label)
        if app_label is None:
            url = reverse("admin:status", current_app=self.name)
            apps.append(
                {
                    "name": _("Exploitation"),
                    "app_label": "ops",
                    "app_url": url,
                    "has_module_perms": True,
                    "models": [
                        {
                            "name": _("État du service"),
                            "object_name": "Status",
                            "admin_url": url,
                            "add_url": None,
                            "view_only": True,
                            "perms": {"view": True},
                        }
                    ],
                }
            )
        return apps

    def status_view(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        panels = status.draw(request)
        context = {
            **self.each_context(request),
            "title": _("État du service"),
            # What needs attention first, then in the registered order.
            "panels": sorted(panels, key=lambda panel: not panel.alert),
        }
        return TemplateResponse(request, "admin/ops/status.html", context)
