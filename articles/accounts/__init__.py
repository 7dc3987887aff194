"""Staff accounts under pressure: two factors, sessions, security events and
the emergency lockdown.

- access: what a signed-in account may reach in the admin, and why not;
- events: the security log (who signed in, failed, changed what), and the
  sign-in signals that write it;
- browsers: naming a browser, remembering the ones an account used, and the
  email about a new one;
- sessions: each signed-in session, listed, touched and ended;
- signin: what signing in and out sets going;
- factors: passkeys, authenticator apps and recovery codes, and checking a
  code (rate-limited like passwords, by django-axes);
- passkeys: django-otp-webauthn's ceremonies, bound to the admin's host;
- lockdown: ending every staff session and freezing publishing, and lifting it;
- passwords: what a changed password does to the account's other sessions;
- middleware and site: where the rules are enforced.

Above the models and helpers, below the admin (which shows all this to
staff) and the lockdown command; nothing here imports the admin.
"""
