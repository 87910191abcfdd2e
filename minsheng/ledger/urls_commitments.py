"""B commitments' pages, under /ledger/commitments/ (`views_commitments.py`)."""

from django.urls import path

from minsheng.ledger import views_commitments as views

app_name = "commitments"

urlpatterns = [
    path("", views.commitment_list, name="list"),
    path("resolution/", views.resolution, name="resolution"),
    path("look-back/", views.look_back, name="look_back"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.act, name="act"),
    path("<int:pk>/second-replies/<int:round_>/letter.docx", views.letter, name="letter"),
]
