"""URLs of a dossier's Communication tab, mounted under ``/dossiers/<pk>/communication/``."""

from django.urls import path

from . import views

app_name = "communication"

urlpatterns = [
    path("", views.message_list, name="message-list"),
    path("add/", views.message_create, name="message-create"),
    path("<int:message>/reply/", views.message_reply, name="message-reply"),
    path("<int:message>/deactivate/", views.annex_deactivate, name="annex-deactivate"),
    path("files/<int:attachment>/download/", views.attachment_download, name="attachment-download"),
    path("files/<int:attachment>/deactivate/", views.attachment_deactivate, name="attachment-deactivate"),
]
