from django.urls import path, re_path

from articles import views

app_name = "articles"

urlpatterns = [
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<slug>[-a-zA-Z0-9_]+)/$",
        views.story,
        name="story",
    ),
    path("preview/<int:pk>/", views.preview, name="preview"),
    path("section/<slug:slug>/", views.section, name="section"),
    path("author/<slug:slug>/", views.author, name="author"),
    path("tag/<slug:slug>/", views.tag, name="tag"),
    path("people/<slug:slug>/", views.person, name="person"),
    path("sources/<int:pk>/", views.source, name="source"),
    path("metrics/<slug:slug>/", views.metric, name="metric"),
]
