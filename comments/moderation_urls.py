from django.urls import path

from comments import views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.act, name="act"),
    path("bulk/", views.bulk, name="bulk"),
    path("log/", views.log, name="log"),
    path("log.csv", views.log_csv, name="log_csv"),
]
