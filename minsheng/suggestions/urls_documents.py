"""URLs: documents generated from a suggestion (Word letters)."""

from django.urls import path

from minsheng.suggestions import views_documents

urlpatterns = [
    path(
        "<int:pk>/replies/<int:reply_pk>/letter.docx",
        views_documents.reply_letter,
        name="reply_letter",
    ),
    path(
        "<int:pk>/opinions/<int:opinion_pk>/letter.docx",
        views_documents.joint_opinion_letter,
        name="joint_opinion_letter",
    ),
]
