"""The API reference pages, served under the site's Content Security Policy.

drf-spectacular's own ReDoc page loads Google's fonts and starts ReDoc from an inline script: both blocked
by the policy (script-src 'self'), so the page stayed blank. This one loads the vendored ReDoc (the sidecar
package) by its `<redoc>` element, and relaxes the policy for this page only, as ReDoc needs: it writes its
styles into <style> elements at run time (style-src 'unsafe-inline'; a hash cannot cover generated styles)
and runs its search in a Web Worker made from a blob: URL.
"""

from csp.decorators import csp_replace
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView


@method_decorator(
    csp_replace({"style-src": ["'self'", "'unsafe-inline'"], "worker-src": ["'self'", "blob:"]}),
    name="dispatch",
)
class RedocView(SpectacularRedocView):
    template_name = "api/redoc.html"
