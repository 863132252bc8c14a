"""The tagging pipeline: Kiwi tokenizer → rules → model → body → normalisation.

``Tagger`` and the helpers of :mod:`kgov_ner.pipeline.tagger` are re-exported
lazily, so that importing a light submodule (``pipeline.kiwi``) does not
import spaCy.
"""

_TAGGER_NAMES = ("Tagger", "build_nlp", "default_tagger", "ensure_boundaries", "entity_dict", "tag_text",
                 "body_ranges", "BODY_MODES")


def __getattr__(name: str):
    if name in _TAGGER_NAMES:
        from kgov_ner.pipeline import tagger

        return getattr(tagger, name)
    raise AttributeError(f"module 'kgov_ner.pipeline' has no attribute {name!r}")
