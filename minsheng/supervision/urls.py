"""URLs of supervision: one table."""

from django.urls import path

from minsheng.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.key_items, name="key_items"),
    path("new/", views.new, name="new"),
    path("warnings/", views.warnings, name="warnings"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.act, name="act"),
    path("instructions/<int:pk>/respond/", views.respond, name="respond"),
    path(
        "suggestion/<int:pk>/act/<str:action>/",
        views.act_on_suggestion,
        name="act_on_suggestion",
    ),
]
