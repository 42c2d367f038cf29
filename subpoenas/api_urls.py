from django.urls import path
from rest_framework.routers import SimpleRouter

from itg.notifications.views import NotificationListAPI
from subpoenas.api import DemandViewSet, ExtractView

router = SimpleRouter()
router.register("demands/extract", ExtractView, basename="demand-extract")
router.register("demands", DemandViewSet, basename="demand")
urlpatterns = [*router.urls, path("notifications/", NotificationListAPI.as_view(), name="api-notifications")]
