"""The demands API: thin views over `subpoenas.selectors`, `subpoenas.intake` and `subpoenas.services`.

`serializers` (what goes in and out), `views` (the viewsets), `urls` (the routes, mounted under /api/).
The list's query parameters are `subpoenas/filters.py`, shared with the queue page and its downloads."""
