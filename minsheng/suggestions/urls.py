"""URLs of the suggestions app: one table, grouped by the audience of each page."""

from django.urls import path

from minsheng.suggestions.views import deputy, detail, documents, office, unit

app_name = "suggestions"
urlpatterns = [
    # The suggestion page, its actions and its attachments (everyone who may see it).
    path("<int:pk>/", detail.detail, name="detail"),
    path("<int:pk>/act/<str:action>/", detail.act, name="act"),
    path("<int:pk>/attachments/<int:attachment_pk>/", detail.attachment, name="attachment"),
    # Documents generated from a suggestion (Word letters).
    path(
        "<int:pk>/replies/<int:reply_pk>/letter.docx",
        documents.reply_letter,
        name="reply_letter",
    ),
    path(
        "<int:pk>/opinions/<int:opinion_pk>/letter.docx",
        documents.joint_opinion_letter,
        name="joint_opinion_letter",
    ),
    # The deputy's pages.
    path("mine/", deputy.mine, name="mine"),
    path("new/", deputy.new, name="new"),
    path("<int:pk>/edit/", deputy.edit, name="edit"),
    # The congress office: workbench, bulk registration, assignment meeting, Excel.
    path("list/", office.workbench, name="workbench"),
    path("export.xlsx", office.export, name="export"),
    path("register/", office.bulk_register, name="bulk_register"),
    path("assign/", office.assign_meeting, name="assign_meeting"),
    path("import/", office.import_upload, name="import"),
    path("import/confirm/", office.import_confirm, name="import_confirm"),
    path("import/template.xlsx", office.import_template, name="import_template"),
    # The handling units.
    path("inbox/", unit.inbox, name="inbox"),
    path("inbox/<int:pk>/sign/", unit.inbox_sign, name="inbox_sign"),
]
