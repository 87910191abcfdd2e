"""URLs of the text-intelligence pages (staff)."""

from django.urls import path

from minsheng.insight import views, views_topics

app_name = "insight"
urlpatterns = [
    path("routing/", views.routing_accuracy, name="routing"),
    path("topics/", views_topics.topics, name="topics"),
]
