"""URLs of the ledger: one table."""

from django.urls import path

from minsheng.ledger import views, views_import

app_name = "ledger"
urlpatterns = [
    path("", views.items, name="items"),
    path("new/", views.new, name="new"),
    path("import/", views_import.upload, name="import"),
    path("import/confirm/", views_import.confirm, name="import_confirm"),
    path("import/template.xlsx", views_import.template, name="import_template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.act, name="act"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
]
