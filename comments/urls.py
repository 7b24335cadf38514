from django.urls import path

from comments import views

app_name = "comments"

urlpatterns = [
    path("form-token/", views.form_token, name="form_token"),
    path("post/<int:article_id>/", views.post, name="post"),
    path("<int:pk>/flag/", views.flag, name="flag"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
