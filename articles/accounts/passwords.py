"""What a new password does: the account's other sessions end (Django's own
session check: each holds a hash of the old password), a reset a lockdown
asked for is done, and the change is a security event.

PasswordChangeRecorder sits in AUTH_PASSWORD_VALIDATORS for its
password_changed() hook, which Django calls whenever a password is set and
saved; it rejects nothing.
"""

from articles.models import PasswordResetRequired

from . import events


class PasswordChangeRecorder:
    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        PasswordResetRequired.objects.filter(user=user).delete()
        events.record(events.Kind.PASSWORD_CHANGED, user=user)

    def get_help_text(self):
        return ""
