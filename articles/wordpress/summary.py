"""What an import did, per kind of thing: created, updated, unchanged,
skipped, and why; printed by the command at the end of a run."""

from collections import Counter, defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# How many examples of one reason the summary names.
EXAMPLES = 5

KINDS = {
    "authors": gettext_lazy("Authors"),
    "sections": gettext_lazy("Sections"),
    "tags": gettext_lazy("Tags"),
    "pictures": gettext_lazy("Pictures"),
    "stories": gettext_lazy("Stories"),
    "embeds": gettext_lazy("Embeds"),
    "addresses": gettext_lazy("Old addresses"),
    "pages": gettext_lazy("Pages"),
    "menus": gettext_lazy("Menu items"),
    "comments": gettext_lazy("Comments"),
    "other": gettext_lazy("Other items"),
}
OUTCOMES = {
    "created": gettext_lazy("created"),
    "updated": gettext_lazy("updated"),
    "unchanged": gettext_lazy("unchanged"),
    "skipped": gettext_lazy("skipped"),
}


class Summary:
    def __init__(self):
        self.counts = defaultdict(Counter)  # kind: {outcome: n}
        self.reasons = defaultdict(Counter)  # kind: {reason: n}
        self.examples = defaultdict(list)  # (kind, reason): [detail, …]

    def add(self, kind, outcome, n=1):
        self.counts[kind][outcome] += n

    def skip(self, kind, reason, detail="", n=1):
        """Count `n` of `kind` skipped for `reason` (a translatable phrase)."""
        self.add(kind, "skipped", n)
        self.note(kind, reason, detail, n)

    def note(self, kind, reason, detail="", n=1):
        """Count something worth an editor's look that did not stop the item."""
        self.reasons[kind][str(reason)] += n
        examples = self.examples[(kind, str(reason))]
        if detail and len(examples) < EXAMPLES and detail not in examples:
            examples.append(str(detail)[:120])

    def created(self, kind):
        return self.counts[kind]["created"]

    def lines(self):
        """The summary as lines of text, a kind a line and a reason a line."""
        lines = []
        for kind, label in KINDS.items():
            counts = self.counts.get(kind)
            if not counts and not self.reasons.get(kind):
                continue
            done = ", ".join(
                f"{(counts or {}).get(outcome, 0)} {word}"
                for outcome, word in OUTCOMES.items()
            )
            lines.append(f"{label}: {done}")
            for reason, n in sorted(self.reasons[kind].items()):
                examples = self.examples.get((kind, reason))
                said = f" ({'; '.join(examples)})" if examples else ""
                lines.append(f"  {n} × {reason}{said}")
        return lines or [_("Nothing to import.")]
