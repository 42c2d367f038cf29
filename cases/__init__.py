"""Cases: a matter (the unit of tenancy), its lead state, its shares with other offices and its owner."""
