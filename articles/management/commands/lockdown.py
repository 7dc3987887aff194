"""The emergency lockdown from the command line (articles.accounts.lockdown):
for the day a laptop is seized or an account is phished."""

import getpass

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles.accounts import lockdown as lockdowns
from articles.models import PasswordResetRequired, StaffSession


class Command(BaseCommand):
    help = (
        "Lock the newsroom down: end every staff session, make every staff "
        "member choose a new password, forget their browsers and freeze "
        "publishing, while the public site keeps serving. --break-glass NAME "
        "(repeatable) keeps an account signed in and as it is; --lift ends "
        "the lockdown; --status says what is in force."
    )

    def add_arguments(self, parser):
        what = parser.add_mutually_exclusive_group()
        what.add_argument(
            "--lift", action="store_true", help="End the lockdown in force."
        )
        what.add_argument(
            "--status",
            action="store_true",
            help="Say what is in force; change nothing.",
        )
        parser.add_argument(
            "--break-glass",
            action="append",
            default=[],
            metavar="USERNAME",
            help="An account left signed in and exempt (repeat for several).",
        )

    def handle(self, *args, lift=False, status=False, break_glass=(), **options):
        if status:
            return self._status()
        by = f"{getpass.getuser()} (command line)"
        try:
            if lift:
                if break_glass:
                    raise CommandError("--break-glass goes with a new lockdown only.")
                lockdown = lockdowns.lockdown_lift(by=by)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Lockdown lifted; it had been in force since "
                        f"{_when(lockdown.started_at)}. Publishing resumes."
                    )
                )
                return
            lockdown = lockdowns.lockdown_start(
                by=by, break_glass=_accounts(break_glass)
            )
        except lockdowns.LockdownError as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(
            self.style.WARNING(
                f"Lockdown in force since {_when(lockdown.started_at)}: "
                f"{lockdown.sessions_ended} staff sessions ended, passwords to be "
                f"reset, publishing frozen. Break-glass: "
                f"{', '.join(lockdown.break_glass) or 'none'}. "
                "Lift it with: manage.py lockdown --lift"
            )
        )

    def _status(self):
        lockdown = lockdowns.in_force()
        if lockdown is None:
            self.stdout.write("No lockdown is in force; publishing is open.")
            return
        resets = PasswordResetRequired.objects.count()
        self.stdout.write(
            "\n".join(
                [
                    f"Lockdown in force since {_when(lockdown.started_at)}, "
                    f"started by {lockdown.started_by}.",
                    f"Break-glass accounts: {', '.join(lockdown.break_glass) or 'none'}.",
                    f"Staff sessions ended then: {lockdown.sessions_ended}; "
                    f"signed in since: {StaffSession.objects.count()}.",
                    f"Passwords still to be reset: {resets}.",
                    "Publishing is frozen; scheduled stories waiting: "
                    f"{lockdowns.waiting(lockdown).count()}.",
                ]
            )
        )


def _accounts(names):
    """The break-glass accounts named; an unknown or inactive one stops the
    command before anything changes."""
    accounts, missing = lockdowns.accounts_named(names)
    if missing:
        raise CommandError(
            f"No active account named {', '.join(sorted(missing))}: nothing changed."
        )
    return accounts


def _when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")
