"""Accounts: users who log in by e-mail, the offices they belong to, their roles and two-factor login."""
