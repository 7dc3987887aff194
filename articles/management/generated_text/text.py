"""The words generate_articles writes stories from in one language (see
the package's docstring for the template fields)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    faker_locale: str
    places: tuple  # (name, "in name")
    topics: tuple  # (name, the form after "around"/"about")
    tag: str  # a tag's name: a topic in a place
    subjects: tuple
    predicates: tuple  # agreeing with every subject
    times: tuple
    sources: tuple
    sentences: tuple
    remarks: tuple  # the odd sentence that is not about who did what
    headlines: tuple
    crossheads: tuple
    quotes: tuple
    said: tuple  # (said by a man, said by a woman)
    cased: bool = True  # Georgian has no capital letters in running text
    dotted_i: bool = False  # Azerbaijani and Turkish capitalise i as İ
