"""Reading deployment knobs from the environment, refusing bad values.

Each helper returns the variable's value, or the default when it is unset or
empty, and raises ImproperlyConfigured with a message naming the variable when
the value cannot be right. Used by settings.py and gunicorn.conf.py; importing
this module loads no Django settings, so gunicorn can read its own variables
before any app is loaded.
"""

import os

# Only the exception class: Django reports this type as a settings problem
# (manage.py still lists its core commands and names the error).
from django.core.exceptions import ImproperlyConfigured

ON = frozenset({"1", "true", "yes", "on"})
OFF = frozenset({"0", "false", "no", "off"})


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in ON:
        return True
    if lowered in OFF:
        return False
    raise ImproperlyConfigured(
        f"{name} must be on/off, true/false, yes/no or 1/0, not {value!r}"
    )


def env_int(name, default, *, minimum=0):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {value!r}"
        ) from None
    if number < minimum:
        if minimum == 0:
            raise ImproperlyConfigured(f"{name} must not be negative, not {value!r}")
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value!r}")
    return number


def env_choice(name, choices, default):
    """One of `choices`, written as it is listed (an empty value: the default)."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value not in choices:
        listed = ", ".join(repr(choice) for choice in choices if choice)
        raise ImproperlyConfigured(f"{name} must be one of {listed}, not {value!r}")
    return value


def env_list(name, default):
    """Comma-separated items, spaces around them and empty items dropped."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def editions(codes, default):
    """The site's languages as (LANGUAGES, LANGUAGE_CODE), from NEWSROOM_LANGUAGES
    and NEWSROOM_DEFAULT_LANGUAGE (the first listed when unset).

    Each code must be one Django knows (its admin, date formats and plural
    rules come with it), written as Django writes it: lower case, such as
    en, ru, ka, az, hy, tr or pt-br.
    """
    from django.conf.locale import LANG_INFO

    seen = []
    for code in codes:
        info = LANG_INFO.get(code)
        if info is None or "fallback" in info:
            known = ", ".join(sorted(c for c, i in LANG_INFO.items() if "name" in i))
            raise ImproperlyConfigured(
                f"NEWSROOM_LANGUAGES: {code!r} is not a language code Django "
                f"knows; use one of {known}"
            )
        if code in seen:
            raise ImproperlyConfigured(f"NEWSROOM_LANGUAGES lists {code!r} twice")
        seen.append(code)
    default = default or seen[0]
    if default not in seen:
        raise ImproperlyConfigured(
            f"NEWSROOM_DEFAULT_LANGUAGE {default!r} must be one of "
            f"NEWSROOM_LANGUAGES ({', '.join(seen)})"
        )
    languages = [(code, LANG_INFO[code]["name_local"]) for code in seen]
    return languages, default
