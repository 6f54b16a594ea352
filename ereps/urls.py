from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from dossiers.views import home

admin.site.site_header = _("e-REPS – administration")
admin.site.site_title = _("e-REPS")
admin.site.index_title = _("Back-office")

urlpatterns = [
    path("", home, name="home"),
    # /healthz and /readyz, outside the login (ops.middleware answers them first).
    path("", include("ops.urls")),
    path("accounts/", include("accounts.urls")),
    # The Communication tab of a dossier is the communication app's thread.
    path("dossiers/<int:pk>/communication/", include("communication.urls")),
    # The Configurateur tab: the configurator app's order lines.
    path("dossiers/<int:pk>/configurator/", include("configurator.urls")),
    path("dossiers/", include("dossiers.urls")),
    path("admin/", admin.site.urls),
]
