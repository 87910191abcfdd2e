"""The public site (/gongkai/, no sign-in) and, under /gongkai/staff/, the staff's publication
queue and review pages."""

from django.urls import path

from minsheng.disclosure import views, views_staff

app_name = "disclosure"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("tongji/", views.statistics, name="statistics"),
    path("shishi/", views.projects, name="projects"),
    path("staff/", views_staff.queue, name="queue"),
    path("staff/batch/", views_staff.batch, name="batch"),
    path("staff/<int:pk>/", views_staff.review, name="review"),
    path("staff/<int:pk>/act/<str:action>/", views_staff.act, name="act"),
]
