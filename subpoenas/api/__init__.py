"""The demands API: thin views over `subpoenas.selectors`, `subpoenas.intake` and `subpoenas.services`.

`serializers` (what goes in and out), `filters` (the list's query parameters), `views` (the viewsets),
`urls` (the routes, mounted under /api/)."""
