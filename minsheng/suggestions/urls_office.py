"""URLs: office pages (workbench, assignment meeting, Excel) and the unit inbox."""

from django.urls import path

from minsheng.suggestions import views_office as views

urlpatterns = [
    path("list/", views.workbench, name="workbench"),
    path("export.xlsx", views.export, name="export"),
    path("register/", views.bulk_register, name="bulk_register"),
    path("assign/", views.assign_meeting, name="assign_meeting"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/sign/", views.inbox_sign, name="inbox_sign"),
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/template.xlsx", views.import_template, name="import_template"),
]
