"""The notification list: newest first, with a button to mark them all read."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from itg.notifications.models import Notification
from itg.notifications.services import notifications_mark_read


class NotificationListView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        rows = Notification.objects.filter(user=request.user)
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
        return render(request, "notifications/list.html", {"page": page})

    def post(self, request: HttpRequest) -> HttpResponse:
        notifications_mark_read(user=request.user)
        return redirect("notifications:list")


class NotificationOut(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "created_at", "read_at"]


class NotificationListAPI(ListAPIView):
    """The signed-in user's notifications, newest first."""

    serializer_class = NotificationOut

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation, no user
            return Notification.objects.none()
        return Notification.objects.filter(user=self.request.user)


class ReadIn(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="All when omitted."
    )


class NotificationReadAPI(APIView):
    """Mark the caller's notifications read (all, or the listed ids)."""

    @extend_schema(request=ReadIn, responses={200: None})
    def post(self, request):
        data = ReadIn(data=request.data)
        data.is_valid(raise_exception=True)
        marked = notifications_mark_read(user=request.user, ids=data.validated_data.get("ids"))
        return Response({"marked": marked})
