"""Route × role: the declared access policy of EVERY URL pattern, swept by tests/test_route_policy.py.

One line per route name: the outcome of a GET for each role, in the column order of `ROLES`:

    anon  tx  txs  ca  cas  ny  nys  itg  adm  aud  prov  provx

anon: nobody signed in; tx/txs: AG staff/supervisor of Texas, the lead state of the matter; ca/cas: of
California, which the matter is shared with (read only, no thread posting); ny/nys: of New York, which
it is not shared with; itg: ITG compliance staff; adm: ITG administrator; aud: auditor; prov/provx: the
provider token of the hop's provider and of another provider (`Authorization: Provider …`).

Outcomes: `200` (and the body contains the route's MARKERS entry, or the world's label named there),
`login` (a redirect to the login page), `302` (another redirect), `401`, `403`, `404`, `405`.

Adding a route is one line in POLICY (and, when it takes arguments, one in ARGS). A route missing from the
table fails the sweep, which prints the missing lines in this syntax with the outcomes it observed: check
them against what the route should do before pasting them here.
"""

from __future__ import annotations

import uuid

ROLES = ("anon", "tx", "txs", "ca", "cas", "ny", "nys", "itg", "adm", "aud", "prov", "provx")

# How to fill each route's arguments from the world (tests/test_route_policy.py: `world`).
# A route whose object the world does not build gets an id that does not exist (its 404 is the policy).
MISSING = 987654
ARGS = {
    # The invitation, the provider's link and the calendar feed carry their own secret credential in the URL:
    # whoever holds it gets the page, signed in or not (each is one-time, expiring or revocable).
    "accounts:invitation": lambda w: {"token": w.invitation_token},
    "accounts:user_role": lambda w: {"pk": w.tess.pk},
    "accounts:user_action": lambda w: {"pk": w.tess.pk, "action": "unlock"},
    "cases:detail": lambda w: {"pk": w.case.pk},
    "cases:share": lambda w: {"pk": w.case.pk},
    "cases:assign": lambda w: {"pk": w.case.pk},
    "cases:messages": lambda w: {"pk": w.case.pk},
    "cases:attachment": lambda w: {"pk": w.case.pk, "attachment_pk": w.attachment.pk},
    "audit:detail": lambda w: {"seq": 1},
    "audit:export": lambda w: {"fmt": "csv"},
    "subpoenas:review": lambda w: {"pk": uuid.UUID(int=MISSING)},
    "subpoenas:calendar-ics": lambda w: {"token": w.feed_token},
    "subpoenas:detail": lambda w: {"pk": w.demand.pk},
    "subpoenas:transition": lambda w: {"pk": w.demand.pk},
    "subpoenas:extension-ask": lambda w: {"pk": w.demand.pk},
    "subpoenas:extension-answer": lambda w: {"pk": w.demand.pk, "event_pk": w.extension.pk},
    "subpoenas:document": lambda w: {"pk": w.demand.pk, "doc_pk": w.document.pk},
    "subpoenas:receipt": lambda w: {"pk": w.demand.pk},
    "subpoenas:export": lambda w: {"fmt": "csv"},
    "cases:export": lambda w: {"fmt": "csv"},
    "tracebacks:export": lambda w: {"fmt": "csv"},
    "subpoenas:receipt-pdf": lambda w: {"pk": w.demand.pk},
    "responses:demand": lambda w: {"pk": w.demand.pk},
    "responses:prepare": lambda w: {"pk": w.demand.pk},
    "responses:propose": lambda w: {"pk": w.request.pk},
    "responses:add": lambda w: {"pk": w.request.pk},
    "responses:answer": lambda w: {"pk": w.request.pk},
    "responses:remove": lambda w: {"pk": w.link.pk},
    "responses:remove_many": lambda w: {"pk": w.request.pk},
    "responses:retry": lambda w: {"pk": w.response.pk},
    "responses:deliver": lambda w: {"pk": w.response.pk},
    "responses:download": lambda w: {"pk": w.response.pk},
    # The world's response answers from a scope and cites no letter: every role that may see it gets 404.
    # tests/test_responses_letters.py covers a cited letter, role by role.
    "responses:letter": lambda w: {"pk": w.response.pk, "reference": "ITG-NL-MISSING"},
    "providers:import_detail": lambda w: {"pk": MISSING},
    "registry:detail": lambda w: {"pk": w.provider.pk},
    "registry:contact": lambda w: {"pk": w.provider.pk},
    "registry:token": lambda w: {"pk": w.provider.pk},
    "tracebacks:detail": lambda w: {"pk": w.traceback.pk},
    "tracebacks:close": lambda w: {"pk": w.traceback.pk},
    "tracebacks:hop_action": lambda w: {"pk": w.traceback.pk, "action": "resend"},
    "tracebacks:file": lambda w: {"pk": w.traceback.pk, "which": "transcript"},
    "tracebacks:hop_file": lambda w: {"pk": w.traceback.pk, "hop": w.hop.pk, "which": "attachment"},
    "tracebacks:campaign": lambda w: {"pk": w.traceback.campaign_id},
    "respond:hop": lambda w: {"token": w.link_token},
    "respond:suggest": lambda w: {"token": w.link_token},
    "case-detail": lambda w: {"pk": w.case.pk},
    "case-messages": lambda w: {"pk": w.case.pk},
    "case-share": lambda w: {"pk": w.case.pk},
    "demand-detail": lambda w: {"pk": w.demand.pk},
    "demand-document": lambda w: {"pk": w.demand.pk, "doc_pk": w.document.pk},
    "demand-extension-answer": lambda w: {"pk": w.demand.pk, "event_pk": w.extension.pk},
    "demand-extension-ask": lambda w: {"pk": w.demand.pk},
    "demand-receipt": lambda w: {"pk": w.demand.pk},
    "demand-transition": lambda w: {"pk": w.demand.pk},
    "api-demand-responses": lambda w: {"pk": w.demand.pk},
    "api-demand-evidence": lambda w: {"pk": w.demand.pk},
    "api-response-deliver": lambda w: {"pk": w.response.pk},
    "api-response-download": lambda w: {"pk": w.response.pk},
    "provider-api-hop": lambda w: {"pk": w.hop.pk},
    "provider-api-answer": lambda w: {"pk": w.hop.pk},
    # Call data, detected campaigns, trends, the provider ecosystem and alerts (issues 9-12). Objects the
    # world does not build get MISSING (the role gate answers first; a permitted role then gets 404). Their
    # object-level rules on real objects are swept in tests/test_calls_pages.py, test_trends.py,
    # test_ecosystem_pages.py and test_alerts_access.py.
    "calls:call": lambda w: {"pk": MISSING},
    "calls:job": lambda w: {"pk": MISSING},
    "calls:rejects": lambda w: {"pk": MISSING},
    "calls:certificate_remove": lambda w: {"pk": MISSING},
    "api-call": lambda w: {"pk": MISSING},
    "api-call-import": lambda w: {"pk": MISSING},
    "detection:detected": lambda w: {"pk": MISSING},
    "detection:action": lambda w: {"pk": MISSING, "action": "confirm"},
    # Texas is the lead state's own page: California and New York get 404 for it (never another state's numbers).
    "trends:state": lambda w: {"code": "TX"},
    "trends:state_csv": lambda w: {"code": "TX", "table": "daily"},
    "trends:national_csv": lambda w: {"table": "daily"},
    "api-trends-state": lambda w: {"code": "TX"},
    "ecosystem:provider": lambda w: {"pk": w.provider.pk},
    "ecosystem:neighbourhood": lambda w: {"pk": w.provider.pk},
    "ecosystem:campaign_paths": lambda w: {"pk": w.traceback.campaign_id},
    "ecosystem:report_pdf": lambda w: {"pk": MISSING},
    "ecosystem:snapshot_csv": lambda w: {"pk": MISSING},
    "alerts:detail": lambda w: {"pk": MISSING},
    "alerts:edit": lambda w: {"pk": MISSING},
    "alerts:send": lambda w: {"pk": MISSING},
    "alerts:share": lambda w: {"pk": MISSING},
    "alerts:acknowledge": lambda w: {"pk": MISSING},
    "alerts:investigate": lambda w: {"pk": MISSING},
    "alerts:records": lambda w: {"pk": MISSING},
    "alerts:packet": lambda w: {"pk": MISSING, "fmt": "pdf"},
    "alerts:letter": lambda w: {"pk": MISSING, "reference": "ITG-NL-MISSING"},
    "alerts:rule": lambda w: {"pk": MISSING},
    "api-alert": lambda w: {"pk": MISSING},
    "api-alert-acknowledge": lambda w: {"pk": MISSING},
    # Notice letters (issue 11 item 4): none is sent in this world, so letter ids do not exist; the link's
    # token is a forged one (refused with 403 whoever asks). tests/test_letters.py covers the real objects.
    "ecosystem:letter": lambda w: {"pk": MISSING},
    "ecosystem:letter_pdf": lambda w: {"pk": MISSING},
    "ecosystem:letter_send": lambda w: {"pk": w.provider.pk},
    "respond:letter": lambda w: {"token": "not-a-letter-token"},
    "respond:letter_pdf": lambda w: {"token": "not-a-letter-token"},
    "provider-api-letter": lambda w: {"pk": MISSING},
    "provider-api-letter-pdf": lambda w: {"pk": MISSING},
    "provider-api-letter-ack": lambda w: {"pk": MISSING},
}

# What a 200 must contain: a literal, or `@name` for an attribute of the world (a caption, a title...).
# Routes not listed: the page's own <h1> (or JSON key) must be there, i.e. a real page, not an empty 200.
MARKERS: dict[str, str] = {
    "api-alerts": "[",  # a plain JSON list (empty in this world: no alert is routed)
    "api-call-imports": "[",
    "subpoenas:detail": "@demand.caption",
    "subpoenas:list": "@demand.tracking_number",
    "subpoenas:document": "%PDF",
    "subpoenas:receipt": "@demand.tracking_number",
    "subpoenas:receipt-pdf": "%PDF",
    "cases:detail": "@case.title",
    "cases:list": "@case.title",
    "cases:export": "@case.title",
    "subpoenas:export": "@demand.tracking_number",
    "tracebacks:export": "Calling number",
    "cases:attachment": "hello",
    "responses:demand": "@demand.tracking_number",
    "responses:download": "%PDF",
    "demand-detail": "@demand.tracking_number",
    "demand-list": "@demand.tracking_number",
    "case-detail": "@case.title",
    "case-messages": "Our letter",
    "api-response-download": "%PDF",
    "tracebacks:detail": "Acme Voice",
    "registry:detail": "Acme Voice",
    "respond:hop": "Acme Voice",
    "provider-api-hop": "@hop.pk",
    "subpoenas:calendar-ics": "BEGIN:VCALENDAR",
    "audit:list": "auth.",
}

# Roles that may not see the Texas matter: no 200 they get may name it (lists, counts, searches, feeds), and
# MARKERS do not apply to them. (Auditors read the audit trail, which names matters by design.)
OUTSIDERS = ("ny", "nys", "prov", "provx")
# ... except where the URL itself is a credential for something else of the matter (none today).
OUTSIDER_EXEMPT: set[str] = set()

# The admin's routes (one per registered model and view) share one rule: the site is for verified ITG
# administrators only. The sweep checks it on the index and every changelist; tests/test_admin.py walks
# every admin URL as an administrator.
# (A signed-in user without the role is sent through the admin's login, which hands over to the portal's.)
ADMIN_RULE = "login 302 302 302 302 302 302 302 200 302 login login"

POLICY: dict[str, str] = {
    #                                 anon  tx    txs   ca    cas   ny    nys   itg   adm   aud   prov  provx
    "accounts:invitation": "200   200   200   200   200   200   200   200   200   200   200   200",
    "accounts:invite": "login 403   200   403   200   403   200   403   200   403   login login",
    "accounts:login": "200   302   302   302   302   302   302   302   302   302   200   200",
    "accounts:otp_setup": "login 302   302   302   302   302   302   302   302   302   login login",
    "accounts:otp_verify": "login 302   302   302   302   302   302   302   302   302   login login",
    "accounts:profile": "login 200   200   200   200   200   200   200   200   200   login login",
    "accounts:user_action": "login 403   405   403   405   403   405   403   405   403   login login",
    "accounts:user_role": "login 403   403   403   403   403   403   403   200   403   login login",
    "accounts:users": "login 403   200   403   200   403   200   403   200   403   login login",
    "api-demand-evidence": "401   200   200   200   200   404   404   200   200   403   401   401",
    "api-demand-responses": "401   200   200   200   200   404   404   200   200   403   401   401",
    "api-docs": "401   200   200   200   200   200   200   200   200   200   401   401",
    "api-me": "401   200   200   200   200   200   200   200   200   200   401   401",
    "api-notifications": "401   200   200   200   200   200   200   200   200   200   401   401",
    "api-notifications-read": "401   405   405   405   405   405   405   405   405   405   401   401",
    "api-redoc": "401   200   200   200   200   200   200   200   200   200   401   401",
    "api-response-deliver": "401   403   403   403   403   403   403   405   405   403   401   401",
    "api-response-download": "401   200   200   200   200   404   404   200   200   403   401   401",
    "api-tracebacks": "401   403   403   403   403   403   403   200   200   403   401   401",
    "api-schema": "401   200   200   200   200   200   200   200   200   200   401   401",
    "audit:detail": "login 403   403   403   403   403   403   403   200   200   login login",
    "audit:export": "login 403   403   403   403   403   403   403   200   200   login login",
    "audit:list": "login 403   403   403   403   403   403   403   200   200   login login",
    "audit:state": "login 403   200   403   200   403   200   403   403   403   login login",
    "case-detail": "401   200   200   200   200   404   404   200   200   403   401   401",
    "case-list": "401   200   200   200   200   200   200   200   200   403   401   401",
    "case-messages": "401   200   200   200   200   404   404   200   200   403   401   401",
    "case-share": "401   405   405   405   405   405   405   405   405   403   401   401",
    "cases:assign": "login 403   403   403   403   403   403   405   405   403   login login",
    "cases:attachment": "login 200   200   200   200   404   404   200   200   403   login login",
    "cases:create": "login 200   200   200   200   200   200   200   200   403   login login",
    "cases:detail": "login 200   200   200   200   404   404   200   200   403   login login",
    "cases:export": "login 200   200   200   200   200   200   200   200   403   login login",
    "cases:list": "login 200   200   200   200   200   200   200   200   403   login login",
    "cases:messages": "login 405   405   405   405   405   405   405   405   403   login login",
    "cases:share": "login 405   405   405   405   405   405   405   405   403   login login",
    "demand-calendar-feed-list": "401   405   405   405   405   405   405   405   405   403   401   401",
    "demand-calendar-feed-revoke": "401   405   405   405   405   405   405   405   405   403   401   401",
    "demand-counts": "401   200   200   200   200   200   200   200   200   403   401   401",
    "demand-detail": "401   200   200   200   200   404   404   200   200   403   401   401",
    "demand-document": "401   200   200   200   200   404   404   200   200   403   401   401",
    "demand-extension-answer": "401   405   405   405   405   405   405   405   405   403   401   401",
    "demand-extension-ask": "401   405   405   405   405   405   405   405   405   403   401   401",
    "demand-extract-list": "401   405   405   405   405   405   405   403   403   403   401   401",
    "demand-list": "401   200   200   200   200   200   200   200   200   403   401   401",
    "demand-receipt": "401   200   200   200   200   404   404   200   200   403   401   401",
    "demand-transition": "401   405   405   405   405   405   405   405   405   403   401   401",
    "home": "login 200   200   200   200   200   200   200   200   200   login login",
    "notifications:list": "login 200   200   200   200   200   200   200   200   200   login login",
    "provider-api-answer": "401   401   401   401   401   401   401   401   401   401   405   405",
    "provider-api-hop": "401   401   401   401   401   401   401   401   401   401   200   404",
    "provider-api-hops": "401   401   401   401   401   401   401   401   401   401   200   200",
    "provider-api-letter": "401   401   401   401   401   401   401   401   401   401   404   404",  # no letter in this world
    "provider-api-letter-ack": "401   401   401   401   401   401   401   401   401   401   405   405",
    "provider-api-letter-pdf": "401   401   401   401   401   401   401   401   401   401   404   404",
    "provider-api-letters": "401   401   401   401   401   401   401   401   401   401   200   200",
    "provider-api-suggest": "401   401   401   401   401   401   401   401   401   401   200   200",
    "providers:import": "login 403   403   403   403   403   403   403   200   403   login login",
    "providers:import_detail": "login 403   403   403   403   403   403   403   404   403   login login",
    "registry:add": "login 403   403   403   403   403   403   200   200   403   login login",
    "registry:contact": "login 403   403   403   403   403   403   405   405   403   login login",
    "registry:detail": "login 403   403   403   403   403   403   200   200   403   login login",
    "registry:list": "login 403   403   403   403   403   403   200   200   403   login login",
    "registry:suggest": "login 403   403   403   403   403   403   200   200   403   login login",
    "registry:token": "login 403   403   403   403   403   403   405   405   403   login login",
    "respond:hop": "200   200   200   200   200   200   200   200   200   200   200   200",
    "respond:letter": "403   403   403   403   403   403   403   403   403   403   403   403",  # a forged token
    "respond:letter_pdf": "403   403   403   403   403   403   403   403   403   403   403   403",
    "respond:suggest": "200   200   200   200   200   200   200   200   200   200   200   200",
    "responses:add": "login 403   403   403   403   403   403   405   405   403   login login",
    "responses:answer": "login 403   403   403   403   403   403   405   405   403   login login",
    "responses:deliver": "login 403   403   403   403   403   403   405   405   403   login login",
    "responses:demand": "login 200   200   200   200   404   404   200   200   403   login login",
    "responses:download": "login 200   200   200   200   404   404   200   200   403   login login",
    "responses:letter": "login 404   404   404   404   404   404   404   404   403   login login",
    "responses:prepare": "login 403   403   403   403   403   403   405   405   403   login login",
    "responses:propose": "login 403   403   403   403   403   403   405   405   403   login login",
    "responses:remove": "login 403   403   403   403   403   403   405   405   403   login login",
    "responses:remove_many": "login 403   403   403   403   403   403   405   405   403   login login",
    "responses:retry": "login 403   403   403   403   403   403   405   405   403   login login",
    "responses:verify": "200   200   200   200   200   200   200   200   200   200   200   200",
    "subpoenas:calendar": "login 200   200   200   200   200   200   200   200   403   login login",
    "subpoenas:calendar-ics": "200   200   200   200   200   200   200   200   200   200   200   200",
    "subpoenas:create": "login 200   200   200   200   200   200   403   403   403   login login",
    "subpoenas:detail": "login 200   200   200   200   404   404   200   200   403   login login",
    "subpoenas:document": "login 200   200   200   200   404   404   200   200   403   login login",
    "subpoenas:extension-answer": "login 405   405   405   405   405   405   403   403   403   login login",
    "subpoenas:extension-ask": "login 403   403   403   403   403   403   405   405   403   login login",
    "subpoenas:export": "login 200   200   200   200   200   200   200   200   403   login login",
    "subpoenas:list": "login 200   200   200   200   200   200   200   200   403   login login",
    "subpoenas:receipt": "login 200   200   200   200   404   404   200   200   403   login login",
    "subpoenas:receipt-pdf": "login 200   200   200   200   404   404   200   200   403   login login",
    "subpoenas:review": "login 404   404   404   404   404   404   403   403   403   login login",
    "subpoenas:transition": "login 405   405   405   405   405   405   405   405   403   login login",
    "tracebacks:bulk": "login 403   403   403   403   403   403   200   200   403   login login",
    "tracebacks:campaign": "login 403   403   403   403   403   403   200   200   403   login login",
    "tracebacks:campaigns": "login 403   403   403   403   403   403   200   200   403   login login",
    "tracebacks:close": "login 403   403   403   403   403   403   405   405   403   login login",
    "tracebacks:create": "login 403   403   403   403   403   403   200   200   403   login login",
    "tracebacks:detail": "login 403   403   403   403   403   403   200   200   403   login login",
    "tracebacks:file": "login 403   403   403   403   403   403   404   404   403   login login",
    "tracebacks:hop_action": "login 403   403   403   403   403   403   405   405   403   login login",
    "tracebacks:hop_file": "login 403   403   403   403   403   403   404   404   403   login login",
    "tracebacks:export": "login 403   403   403   403   403   403   200   200   403   login login",
    "tracebacks:list": "login 403   403   403   403   403   403   200   200   403   login login",
    "accounts:logout": "login 405   405   405   405   405   405   405   405   405   login login",
    # Call data, detected campaigns, trends, the provider ecosystem and alerts (issues 9-12).
    "alerts:acknowledge": "login 405   405   405   405   405   405   405   405   403   login login",  # GET /alerts/987654/acknowledge/
    "alerts:detail": "login 404   404   404   404   404   404   404   404   403   login login",  # GET /alerts/987654/
    "alerts:edit": "login 403   403   403   403   403   403   405   405   403   login login",  # GET /alerts/987654/edit/
    "alerts:investigate": "login 405   405   405   405   405   405   405   405   403   login login",  # GET /alerts/987654/investigate/
    "alerts:letter": "login 404   404   404   404   404   404   404   404   403   login login",  # GET /alerts/987654/letters/ITG-NL-MISSING.pdf
    "alerts:list": "login 200   200   200   200   200   200   200   200   403   login login",  # GET /alerts/
    "alerts:packet": "login 404   404   404   404   404   404   404   404   403   login login",  # GET /alerts/987654/packet.pdf
    "alerts:records": "login 404   404   404   404   404   404   404   404   403   login login",  # GET /alerts/987654/request-records/
    "alerts:rule": "login 403   403   403   403   403   403   403   404   403   login login",  # GET /alerts/rules/987654/
    "alerts:rule_new": "login 403   403   403   403   403   403   403   200   403   login login",  # GET /alerts/rules/new/
    "alerts:rules": "login 403   403   403   403   403   403   200   200   403   login login",  # GET /alerts/rules/
    "alerts:send": "login 403   403   403   403   403   403   405   405   403   login login",  # GET /alerts/987654/send/
    "alerts:share": "login 403   403   403   403   403   403   405   405   403   login login",  # GET /alerts/987654/share/
    "alerts:subscription": "login 200   200   200   200   200   200   403   403   403   login login",  # GET /alerts/subscription/
    "api-alert": "401   404   404   404   404   404   404   404   404   403   401   401",  # GET /api/alerts/987654/
    "api-alert-acknowledge": "401   405   405   405   405   405   405   405   405   403   401   401",  # GET /api/alerts/987654/acknowledge/
    "api-alerts": "401   200   200   200   200   200   200   200   200   403   401   401",  # GET /api/alerts/
    "api-call": "401   403   403   403   403   403   403   404   404   403   401   401",  # GET /api/calls/987654/
    "api-call-import": "401   403   403   403   403   403   403   404   404   403   401   401",  # GET /api/calls/imports/987654/
    "api-call-imports": "401   403   403   403   403   403   403   200   200   403   401   401",  # GET /api/calls/imports/
    "api-calls": "401   403   403   403   403   403   403   200   200   403   401   401",  # GET /api/calls/
    "api-trends": "401   200   200   200   200   200   200   200   200   403   401   401",  # GET /api/trends/
    "api-trends-state": "401   200   200   404   404   404   404   200   200   403   401   401",  # GET /api/trends/states/TX/
    "calls:call": "login 403   403   403   403   403   403   404   404   403   login login",  # GET /calls/987654/
    "calls:certificate_remove": "login 403   403   403   403   403   403   405   405   403   login login",  # GET /calls/certificates/987654/remove/
    "calls:certificates": "login 403   403   403   403   403   403   200   200   403   login login",  # GET /calls/certificates/
    "calls:imports": "login 403   403   403   403   403   403   200   200   403   login login",  # GET /calls/imports/
    "calls:job": "login 403   403   403   403   403   403   404   404   403   login login",  # GET /calls/imports/987654/
    "calls:rejects": "login 403   403   403   403   403   403   404   404   403   login login",  # GET /calls/imports/987654/rejects.csv
    "calls:search": "login 403   403   403   403   403   403   200   200   403   login login",  # GET /calls/
    "calls:sources": "login 403   403   403   403   403   403   200   200   403   login login",  # GET /calls/sources/
    "detection:action": "login 403   403   403   403   403   403   405   405   403   login login",  # GET /campaigns/detected/987654/confirm/
    "detection:detected": "login 403   403   403   403   403   403   404   404   403   login login",  # GET /campaigns/detected/987654/
    "detection:list": "login 403   403   403   403   403   403   200   200   403   login login",  # GET /campaigns/detected/
    "ecosystem:campaign_paths": "login 403   403   403   403   403   403   200   200   403   login login",  # GET /ecosystem/campaigns/1/
    "ecosystem:letter": "login 403   403   403   403   403   403   404   404   403   login login",  # GET /ecosystem/letters/987654/
    "ecosystem:letter_pdf": "login 403   403   403   403   403   403   404   404   403   login login",  # GET /ecosystem/letters/987654.pdf
    "ecosystem:letter_send": "login 403   403   403   403   403   403   200   200   403   login login",  # GET /ecosystem/providers/7/letters/
    "ecosystem:letter_templates": "login 403   403   403   403   403   403   403   200   403   login login",  # GET /ecosystem/letters/templates/
    "ecosystem:letters": "login 403   403   403   403   403   403   200   200   403   login login",  # GET /ecosystem/letters/
    "ecosystem:map": "login 403   403   403   403   403   403   200   200   403   login login",  # GET /ecosystem/map/
    "ecosystem:neighbourhood": "login 403   403   403   403   403   403   200   200   403   login login",  # GET /ecosystem/providers/7/graph/
    "ecosystem:provider": "login 403   403   403   403   403   403   200   200   403   login login",  # GET /ecosystem/providers/7/
    "ecosystem:report_pdf": "login 403   403   403   403   403   403   404   404   403   login login",  # GET /ecosystem/reports/987654.pdf
    "ecosystem:reports": "login 403   403   403   403   403   403   200   200   403   login login",  # GET /ecosystem/reports/
    "ecosystem:scorecard": "login 403   403   403   403   403   403   200   200   403   login login",  # GET /ecosystem/
    "ecosystem:settings": "login 403   403   403   403   403   403   403   200   403   login login",  # GET /ecosystem/settings/
    "ecosystem:snapshot_csv": "login 403   403   403   403   403   403   404   404   403   login login",  # GET /ecosystem/snapshots/987654.csv
    "ecosystem:snapshots": "login 403   403   403   403   403   403   200   200   403   login login",  # GET /ecosystem/snapshots/
    "trends:national": "login 200   200   200   200   200   200   200   200   403   login login",  # GET /trends/
    "trends:national_csv": "login 200   200   200   200   200   200   200   200   403   login login",  # GET /trends/csv/daily/
    "trends:state": "login 200   200   404   404   404   404   200   200   403   login login",  # GET /trends/states/TX/
    "trends:state_csv": "login 200   200   404   404   404   404   200   200   403   login login",  # GET /trends/states/TX/csv/daily/
}
