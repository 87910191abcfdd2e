"""URLs: the suggestion page, its actions and its attachments."""

from django.urls import path

from minsheng.suggestions import views_detail

urlpatterns: list = [
    path("<int:pk>/", views_detail.detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views_detail.act, name="act"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views_detail.attachment,
        name="attachment",
    ),
]
