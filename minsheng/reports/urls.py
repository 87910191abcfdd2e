from django.urls import path

from minsheng.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("annual.docx", views.download, {"kind": "annual"}, name="annual"),
    path("brief.docx", views.download, {"kind": "brief"}, name="brief"),
    path("statistics.xlsx", views.download, {"kind": "workbook"}, name="workbook"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<slug:key>.xlsx", views.dashboard_table, name="dashboard_table"),
    path("units/<int:pk>/card.docx", views.unit_card, name="unit_card"),
]
