from django.core.management.base import BaseCommand, CommandError

from itg.audit.checkpoints import ChainBroken, checkpoint_write, signing_key
from itg.audit.signing import key_id, public_key_text


class Command(BaseCommand):
    help = "Sign the audit chain's head now and store the checkpoint (the beat schedule does it every few minutes)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--public-key", action="store_true", help="print the public key auditors verify checkpoints with"
        )

    def handle(self, *args, **options):
        if options["public_key"]:
            public = signing_key().public_key()
            self.stdout.write(f"{public_key_text(public)}  (key id {key_id(public)})")
            return
        try:
            name, doc = checkpoint_write()
        except ChainBroken as error:
            raise CommandError(f"Refusing to sign over a damaged chain: {error}. Run audit_verify.") from None
        self.stdout.write(
            f"Checkpoint at event {doc['seq']} ({doc['hash']}) signed with key {doc['key_id']}: {name}"
        )
