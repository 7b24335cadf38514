from django.urls import path, re_path

from articles import feeds, previews, views

app_name = "articles"

urlpatterns = [
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<slug>[-a-zA-Z0-9_]+)/$",
        views.story,
        name="story",
    ),
    re_path(r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$", views.month_archive, name="month"),
    re_path(r"^(?P<year>[0-9]{4})/$", views.year_archive, name="year"),
    path("preview/<int:pk>/", views.preview, name="preview"),
    path("preview/shared/<str:token>/", previews.shared_preview, name="shared_preview"),
    path("section/<slug:slug>/", views.section, name="section"),
    path("section/<slug:slug>/feed/", feeds.SectionFeed(), name="section-feed"),
    path("author/<slug:slug>/", views.author, name="author"),
    path("tag/<slug:slug>/", views.tag, name="tag"),
    path("people/<slug:slug>/", views.person, name="person"),
    path("sources/<int:pk>/", views.source, name="source"),
    path("metrics/<slug:slug>/", views.metric, name="metric"),
    path("tag/<slug:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("corrections/", views.corrections, name="corrections"),
]
