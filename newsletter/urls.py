from django.urls import path

from newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("", views.page, name="page"),
    path("form-token/", views.form_token, name="form_token"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("check-your-inbox/", views.check_inbox, name="check_inbox"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("new-link/", views.renew, name="renew"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
