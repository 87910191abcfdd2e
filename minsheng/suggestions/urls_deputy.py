"""URLs: the deputy's pages."""

from django.urls import path

from minsheng.suggestions import views_deputy

urlpatterns: list = [
    path("mine/", views_deputy.mine, name="mine"),
    path("new/", views_deputy.new, name="new"),
    path("<int:pk>/edit/", views_deputy.edit, name="edit"),
]
