"""Helpers for browser tests: contexts, pages that record what they do, screenshots."""

import base64
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tests.live import DEMO_PASSWORD, ROOT

SCREENSHOTS = ROOT / "var" / "screenshots"
VIEWPORTS = {
    "mobile": {"width": 360, "height": 740},
    "desktop": {"width": 1280, "height": 900},
}


@dataclass
class PageWatch:
    """What a page did that a reader's browser would complain about."""

    origin: str
    requests: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def foreign_requests(self):
        own = urlsplit(self.origin).netloc
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in {"data", "blob"}
            and urlsplit(url).netloc != own
        ]


# Chromium reports policy violations as console errors too; this catches the
# ones it does not (report-only policies) straight from the document.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
});
"""


def open_context(browser, origin, viewport="desktop", color_scheme="light", **options):
    context = browser.new_context(
        viewport=VIEWPORTS[viewport],
        color_scheme=color_scheme,
        base_url=origin,
        **options,
    )
    context.add_init_script(CSP_LISTENER)
    return context


def watch(page, origin):
    seen = PageWatch(origin)
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and seen.errors.append(f"{response.status}: {response.url}")
        ),
    )
    page.on(
        "console",
        lambda message: (
            message.type == "error" and seen.errors.append(f"console: {message.text}")
        ),
    )
    page.on("pageerror", lambda error: seen.errors.append(f"exception: {error}"))
    return seen


def assert_well_behaved(seen):
    foreign = seen.foreign_requests()
    assert not foreign, f"requests to other hosts: {foreign}"
    assert not seen.errors, f"console errors or policy violations: {seen.errors}"


def focused(page, script):
    """Evaluate `script` about the focused element, named `element` in it."""
    return page.evaluate(f"(element => {script})(document.activeElement)")


def tab_until(page, selector, limit=80):
    """Press Tab until the focus is inside `selector`; the elements passed on the way."""
    passed = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, f"element.closest({selector!r}) !== null"):
            return passed
        passed.append(focused(page, "element.outerHTML.slice(0, 80)"))
    raise AssertionError(f"{selector} was not reached in {limit} presses of Tab")


# Lazy images below the fold would show as empty boxes in a full-page shot.
LOAD_ALL_IMAGES = """
() => Promise.all([...document.images].map((image) => {
  image.loading = "eager";
  return image.decode().catch(() => null);
}))
"""


def log_in(page, username):
    """Signs a demo account in on `page`, which ends on the admin's home."""
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def in_view(page, name):
    """What the window shows (not the whole page) in var/screenshots/admin/."""
    (SCREENSHOTS / "admin").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "admin" / f"{name}.png")


def screenshot(page, name):
    """A full-page picture in var/screenshots/ for people to review the design."""
    page.evaluate(LOAD_ALL_IMAGES)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


# Files dropped on an element, as a browser hands them over from the desktop.
DROP = """
([selector, files]) => {
  const dropped = new DataTransfer();
  for (const [name, content] of files) {
    const bytes = Uint8Array.from(atob(content), (c) => c.charCodeAt(0));
    dropped.items.add(new File([bytes], name, { type: "image/jpeg" }));
  }
  const target = document.querySelector(selector);
  for (const type of ["dragenter", "dragover", "drop"]) {
    target.dispatchEvent(new DragEvent(type, { dataTransfer: dropped, bubbles: true, cancelable: true }));
  }
}
"""


def drop_files(page, selector, files):
    """Drop `files` ({name: JPEG bytes}) on the element `selector` names."""
    encoded = [[name, base64.b64encode(data).decode()] for name, data in files.items()]
    page.evaluate(DROP, [selector, encoded])
