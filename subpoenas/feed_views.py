"""The calendar feed's pages: the feed itself (the token is the credential) and the page that makes or
revokes it. The rules are in `subpoenas/feeds.py`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from itg.accounts.middleware import otp_exempt
from itg.accounts.roles import MatterUserRequiredMixin
from subpoenas.feeds import (
    calendar_feed_create,
    calendar_feed_exists,
    calendar_feed_fetch,
    calendar_feed_revoke,
)


@login_not_required
@otp_exempt
def calendar_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself: no session, the token is the credential."""
    ics = calendar_feed_fetch(token)
    if ics is None:
        raise Http404("No such calendar feed.")
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


class CalendarFeedManageView(MatterUserRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        token = request.session.pop("new_feed_token", None)
        url = request.build_absolute_uri(reverse("subpoenas:calendar-ics", args=[token])) if token else ""
        return render(
            request, "subpoenas/calendar.html", {"exists": calendar_feed_exists(request.user), "url": url}
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        if request.POST.get("revoke"):
            calendar_feed_revoke(by=request.user)
        else:
            request.session["new_feed_token"] = calendar_feed_create(by=request.user)
        return redirect("subpoenas:calendar")
