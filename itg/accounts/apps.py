from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "itg.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from itg.accounts import schema, signals  # noqa: F401  (OpenAPI extension; login and logout audit)
