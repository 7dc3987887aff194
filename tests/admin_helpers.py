"""Driving the admin as a person would: staff users by role, forms as a browser sends them."""

from html.parser import HTMLParser

from django.contrib.auth.models import Group, User
from django.urls import reverse

from tests.helpers import _n


def make_staff(role, **fields):
    """A staff account in the Reporter or Editor group, logged in by `as_user`."""
    n = _n()
    fields.setdefault("username", f"{role.lower()}-{n}")
    user = User.objects.create_user(is_staff=True, password="pw", **fields)
    user.groups.add(Group.objects.get(name=role))
    return user


def as_user(client, user):
    client.force_login(user)
    return client


def admin_url(model, action="changelist", *args):
    return reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args
    )


class _FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data = {}
        self._select = None
        self._multiple = False
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id or self.form_id is None
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data[attrs["name"]] = attrs.get("value", default)
        elif tag == "select":
            self._select = attrs["name"]
            self._multiple = "multiple" in attrs
            self.data.setdefault(self._select, [] if self._multiple else "")
        elif tag == "option" and self._select and "selected" in attrs:
            value = attrs.get("value", "")
            if self._multiple:
                self.data[self._select].append(value)
            else:
                self.data[self._select] = value
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.data[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            # Browsers drop the newline that opens a textarea's content.
            text = self.data[self._textarea]
            self.data[self._textarea] = text[1:] if text.startswith("\n") else text
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def form_data(response, form_id=None, **changes):
    """What the browser would post back from the page's form, with `changes` made."""
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    # The empty inline templates are never submitted as forms.
    data = {k: v for k, v in reader.data.items() if "__prefix__" not in k}
    data.update(changes)
    return data
