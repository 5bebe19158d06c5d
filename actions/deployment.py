"""Deployment settings: emergency numbers, same-day care, handoff routes, support lines.

Read from $DEPLOYMENT_CONFIG (default `deployment.yml` at the repository root) and validated
at start-up, like the fact store.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

import yaml
from pydantic import BaseModel, Extra, Field, ValidationError

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "deployment.yml"


class DeploymentError(ImportError):
    """Invalid deployment settings (an ImportError so that rasa-sdk refuses to start)."""


class _Strict(BaseModel):
    class Config:
        extra = Extra.forbid


class Contact(_Strict):
    name: str
    detail: Optional[str] = None
    url: Optional[str] = Field(None, regex=r"^https?://\S+$")

    def line(self) -> str:
        return " - ".join(part for part in (self.name, self.detail, self.url) if part)


class Emergency(_Strict):
    number: str = Field(..., regex=r"^[0-9]{2,4}$")
    instruction: str


class SameDay(_Strict):
    instruction: str


class Deployment(_Strict):
    country: str = Field(..., regex=r"^[A-Z]{2}$")
    emergency: Emergency
    same_day: SameDay
    handoff_routes: List[Contact] = Field(..., min_items=1)
    bereavement_support: List[Contact] = Field(..., min_items=1)
    other_help: List[Contact] = Field(..., min_items=1)


def load_deployment(path: Optional[Path] = None) -> Deployment:
    path = Path(path or os.environ.get("DEPLOYMENT_CONFIG") or DEFAULT_PATH)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Deployment.parse_obj(raw)
    except (OSError, yaml.YAMLError) as error:
        raise DeploymentError(f"{path}: cannot be read: {error}") from error
    except ValidationError as error:
        problems = "; ".join(
            f"field '{'.'.join(map(str, e['loc']))}': {e['msg']}" for e in error.errors()
        )
        raise DeploymentError(f"{path}: {problems}") from error
