from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from itg.accounts.demo import current_code
from itg.accounts.models import User


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo user (development only)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        if not settings.DEBUG:
            raise CommandError("demo_totp is for the demo site only; it refuses to run with DEBUG=False.")
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user with the e-mail address {email}.")
        try:
            self.stdout.write(current_code(user))
        except LookupError as error:
            raise CommandError(str(error)) from None
