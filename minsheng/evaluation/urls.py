from django.urls import path

from minsheng.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("mine/", views.mine, name="mine"),
    path("units/<int:pk>/", views.unit_card, name="unit"),
    path("units/<int:pk>/<slug:key>/", views.drill_down, name="drill_down"),
    path("satisfaction/", views.satisfaction, name="satisfaction"),
]
