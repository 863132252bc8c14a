"""kgov_ner: entity tagger for Korean local-government news.

>>> from kgov_ner import Tagger
>>> doc = Tagger()("송파구는 4500만 원을 확보했다.")
>>> [(e.text, e.label_) for e in doc.ents]
[('송파구', 'DISTRICT'), ('4500만 원', 'MONEY')]

Importing the package loads nothing heavy: spaCy, Kiwi and the model are
loaded when a Tagger is first built.
"""

from kgov_ner.resources.labels import LABELS

__version__ = "0.1.0"

__all__ = ["LABELS", "Tagger", "tag_text", "__version__"]


def __getattr__(name: str):
    if name in ("Tagger", "tag_text"):
        from kgov_ner.pipeline import tagger as pipeline  # spaCy loads here, not at package import

        return getattr(pipeline, name)
    raise AttributeError(f"module 'kgov_ner' has no attribute {name!r}")
