"""URLs of the suggestions app, one module per area of pages."""

from minsheng.suggestions import urls_deputy, urls_detail, urls_documents, urls_office

app_name = "suggestions"
urlpatterns = [
    *urls_detail.urlpatterns,
    *urls_deputy.urlpatterns,
    *urls_office.urlpatterns,
    *urls_documents.urlpatterns,
]
