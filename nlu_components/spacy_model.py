"""Rasa's `SpacyNLP`, fingerprinted by the content of the spaCy pipeline it loads.

Rasa fingerprints `SpacyNLP` by the model *name* only, so rebuilding the pipeline at the same
path would silently reuse stale cached features. This subclass adds the pipeline's
`meta.json` (which records the SHA-256 of its pattern sources) to the fingerprint.

It keeps the class name `SpacyNLP` on purpose: Rasa wires `SpacyTokenizer`,
`SpacyFeaturizer` and `SpacyEntityExtractor` to their model provider by that class name.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Dict, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils import spacy_utils


def pipeline_fingerprint(model_path: str) -> Optional[str]:
    """SHA-256 over every file of a spaCy pipeline saved on disk (None if not a folder)."""
    root = Path(model_path)
    if not root.is_dir():
        return None
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.MODEL_LOADER,
        DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER,
    ],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(spacy_utils.SpacyNLP):
    """`SpacyNLP` whose cache key changes whenever the pipeline's files change."""

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        return pipeline_fingerprint(config.get("model") or "")
