from django.urls import path
from rest_framework.routers import SimpleRouter

from itg.notifications.views import NotificationListAPI, NotificationReadAPI
from subpoenas.api.views import CalendarFeedView, DemandViewSet, ExtractView

router = SimpleRouter()
router.register("demands/extract", ExtractView, basename="demand-extract")
router.register("demands/calendar-feed", CalendarFeedView, basename="demand-calendar-feed")
router.register("demands", DemandViewSet, basename="demand")
urlpatterns = [
    *router.urls,
    path("notifications/", NotificationListAPI.as_view(), name="api-notifications"),
    path("notifications/read/", NotificationReadAPI.as_view(), name="api-notifications-read"),
]
