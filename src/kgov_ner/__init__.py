"""kgov_ner: entity tagger for Korean local-government news.

>>> from kgov_ner import Tagger
>>> doc = Tagger()("송파구는 4500만 원을 확보했다.")
>>> [(e.text, e.label_) for e in doc.ents]
[('송파구', 'DISTRICT'), ('4500만 원', 'MONEY')]
"""

from .labels import LABELS
from .pipeline import Tagger, tag_text

__version__ = "0.1.0"

__all__ = ["LABELS", "Tagger", "tag_text", "__version__"]
