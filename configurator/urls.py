"""URLs of a dossier's Configurateur tab, mounted under ``/dossiers/<pk>/configurator/``."""

from django.urls import path

from . import service_views, views

app_name = "configurator"

urlpatterns = [
    path("", views.line_list, name="line-list"),
    path("add/", views.line_create, name="line-create"),
    path("lines/<int:line>/", views.line_update, name="line-update"),
    path("lines/<int:line>/duplicate/", views.line_duplicate, name="line-duplicate"),
    path("lines/<int:line>/delete/", views.line_delete, name="line-delete"),
    path("order/", views.order_place, name="order-place"),
    path("service/add/", service_views.service_line_create, name="service-line-create"),
]
