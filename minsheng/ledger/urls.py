"""URLs of the ledger: one table."""

from django.urls import path

from minsheng.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.items, name="items"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.act, name="act"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
]
