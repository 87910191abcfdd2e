"""URLs of supervision: one table."""

from django.urls import path

from minsheng.supervision import views, views_reports

app_name = "supervision"
urlpatterns = [
    path("", views.key_items, name="key_items"),
    path("new/", views.new, name="new"),
    path("warnings/", views.warnings, name="warnings"),
    path("overview/", views_reports.overview, name="overview"),
    path("packs/", views_reports.pack_choice, name="packs"),
    path("packs/<slug:pack>.xlsx", views_reports.pack_file, {"fmt": "xlsx"}, name="pack_xlsx"),
    path("packs/<slug:pack>.docx", views_reports.pack_file, {"fmt": "docx"}, name="pack_docx"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.act, name="act"),
    path("instructions/<int:pk>/respond/", views.respond, name="respond"),
    path("documents/<int:pk>/", views.document, name="document"),
    path(
        "suggestion/<int:pk>/act/<str:action>/",
        views.act_on_suggestion,
        name="act_on_suggestion",
    ),
]
