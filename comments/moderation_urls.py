from django.urls import path

from comments import moderation

app_name = "moderation"

urlpatterns = [
    path("", moderation.queue, name="queue"),
    path("<int:pk>/", moderation.act, name="act"),
    path("<int:pk>/claim/", moderation.claim, name="claim"),
    path("<int:pk>/pick/", moderation.pick, name="pick"),
    path("<int:pk>/commenter/", moderation.commenter, name="commenter"),
    path("bulk/", moderation.bulk, name="bulk"),
    path("log/", moderation.log, name="log"),
    path("log.csv", moderation.log_csv, name="log_csv"),
]
