"""URLs of the text-intelligence pages (staff) and the draft form's similar-suggestion panel."""

from django.urls import path

from minsheng.insight import views, views_similar, views_topics

app_name = "insight"
urlpatterns = [
    path("routing/", views.routing_accuracy, name="routing"),
    path("topics/", views_topics.topics, name="topics"),
    path("similar/draft/", views_similar.draft_panel, name="similar_draft"),
    path("duplicates/", views_similar.session_duplicates, name="duplicates"),
]
