"""Build the demo world: people of every role with known two-factor secrets, cases, and what later apps add.

Idempotent: running it twice changes nothing. Refuses to run on a production site.
"""

import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from cases.demo import seed_cases
from itg.accounts.demo import DEMO_PASSWORD, DEMO_PEOPLE, seed_people
from itg.audit.demo import seed_audit
from subpoenas.alerts.demo import seed_alerts
from subpoenas.demo import seed_demands
from subpoenas.responses.demo import seed_responses
from tracebacks.calls.demo import seed_calls
from tracebacks.demo import REFERENCE, seed_tracebacks
from tracebacks.detection.demo import seed_detection
from tracebacks.ecosystem.letters.demo import seed_letters


def seed_ivy_id() -> int | None:
    from itg.accounts.models import User

    return User.objects.filter(email="ivy@itg.example").values_list("pk", flat=True).first()


@contextmanager
def _quiet(logger_name: str):
    """Eager Celery logs every task it runs at INFO; the demo's dozens of tasks are not news."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


class Command(BaseCommand):
    help = "Load the demo world (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=1, help="Multiply the volume (5,000 tracebacks x N)."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo loads demo people with known passwords; it refuses to run with DEBUG=False."
            )
        # The notices seeding sends (receipts, status changes, deliveries) go nowhere: they would bury the logins.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            _quiet("celery"),
        ):
            with transaction.atomic():
                seed_people()
                seed_cases()
                seed_tracebacks(scale=max(1, options["scale"]), created_by=seed_ivy_id())
                if options["scale"] <= 1:  # the call data's own benchmark (bench/ingest.py) makes its volume
                    seed_calls(REFERENCE)  # about 180,000 observations of the demo campaigns, five sources
            if options["scale"] <= 1:
                seed_detection()  # trend rollups and detected campaigns (a run commits its own work)
            seed_demands()  # outside the block above: intake stores files and commits per demand
            seed_letters(REFERENCE)  # notice letters, before the response and the alerts that cite them
            seed_responses(
                REFERENCE
            )  # one delivered, signed response (renders and signs: outside any transaction)
            seed_alerts(REFERENCE)  # alerts in each state of the flow (four signed packets)
        self.stdout.write(seed_audit())  # last: a signed checkpoint over everything seeding recorded
        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Log in at http://127.0.0.1:8000/ as:"))
        for person in DEMO_PEOPLE:
            self.stdout.write(f"  {person.email:<38} {person.role:<14} {person.state}")
        self.stdout.write(f"Password for all: {DEMO_PASSWORD}")
        self.stdout.write("Two-factor code: .venv/bin/python manage.py demo_totp EMAIL")
