from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.CaseListView.as_view(), name="list"),
    path("export.<str:fmt>", views.CaseExportView.as_view(), name="export"),
    path("new/", views.CaseCreateView.as_view(), name="create"),
    path("<int:pk>/", views.CaseDetailView.as_view(), name="detail"),
    path("<int:pk>/share/", views.CaseShareView.as_view(), name="share"),
    path("<int:pk>/assign/", views.CaseAssignView.as_view(), name="assign"),
    path("<int:pk>/messages/", views.CaseMessagePostView.as_view(), name="messages"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/", views.MessageAttachmentView.as_view(), name="attachment"
    ),
]
