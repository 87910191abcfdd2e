"""URLs of micro-wishes: one table. The wall (`/wishes/`) is public; the rest needs sign-in."""

from django.urls import path

from minsheng.wishes import views

app_name = "wishes"
urlpatterns = [
    path("", views.wall_page, name="wall"),
    path("new/", views.new, name="new"),
    path("queue/", views.queue, name="queue"),
    path("mine/", views.mine, name="mine"),
    path("export.xlsx", views.export, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.act, name="act"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
]
