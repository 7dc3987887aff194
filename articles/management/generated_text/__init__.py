"""What generate_articles writes stories from in each language but English.

Faker gives people's names in each language's own script (ru_RU, ka_GE,
az_AZ, hy_AM, tr_TR), but not news: ka_GE and tr_TR have no text of their own
(Faker("ka_GE").text() is Latin lorem ipsum) and the others string random
dictionary words together. So sentences are put together here, from phrases
that are grammatical whole: a subject, a predicate agreeing with it, a time, a
source, and places and topics in the forms the templates need.

Template fields: {place} and {place_in} (the place, and "in the place"),
{topic} and {topic_of} (the topic, and the form "around/about it" takes),
{subject}, {predicate}, {time} and {source}; quotes take {quote} and {name}.
Each template carries its own full stop (Armenian ends sentences with "։").
"""

from articles.management.generated_text.az import AZ
from articles.management.generated_text.hy import HY
from articles.management.generated_text.ka import KA
from articles.management.generated_text.ru import RU
from articles.management.generated_text.text import Text
from articles.management.generated_text.tr import TR

__all__ = ["AZ", "HY", "KA", "RU", "TEXTS", "TR", "Text"]

# English is not here: generated_stories' own word lists write it, as they
# always have.
TEXTS = {"ru": RU, "ka": KA, "az": AZ, "hy": HY, "tr": TR}
