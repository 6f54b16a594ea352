from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("", views.dossier_list, name="dossier-list"),
    path("new/", views.dossier_create_group, name="dossier-create-group"),
    path("new/<int:group>/", views.dossier_create, name="dossier-create"),
    path("<int:pk>/", views.dossier_detail, name="dossier-detail"),
    path("<int:pk>/history/", views.dossier_history, name="dossier-history"),
    path("<int:pk>/status/", views.dossier_transition, name="dossier-transition"),
    path("<int:pk>/copy/", views.dossier_copy, name="dossier-copy"),
    path("<int:pk>/favourite/", views.dossier_favourite, name="dossier-favourite"),
]
