"""The schema of one fact and of one topic (pydantic 1.10, which Rasa already brings)."""
from __future__ import annotations

import datetime as dt
import re
from typing import List, Literal, Optional

from pydantic import BaseModel, Extra, Field, root_validator, validator

FACT_ID = r"^[a-z][a-z0-9_]{2,80}$"
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
URL = re.compile(r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:\d+)?(/\S*)?$")
EvidenceGrade = Literal["strong", "moderate", "limited", "mixed", "consensus"]
Urgency = Literal["emergency", "same_day", "info"]
WARNING_SIGNS_TOPIC = "newborn_warning_signs"


class _Strict(BaseModel):
    class Config:
        extra = Extra.forbid
        anystr_strip_whitespace = True
        allow_mutation = False


class Topic(_Strict):
    id: str = Field(..., regex=r"^[a-z][a-z0-9_]+$")
    title: str = Field(..., min_length=3)
    covers: str = Field(..., min_length=3)
    entities: List[str] = Field(default_factory=list)


class Source(_Strict):
    title: str = Field(..., min_length=5)
    organisation: Optional[str] = None
    authors: Optional[str] = None
    year: int = Field(..., ge=1950, le=2030)
    url: Optional[str] = None
    doi: Optional[str] = None

    @validator("url")
    def _url_well_formed(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not URL.match(value):
            raise ValueError(f"not a well-formed http(s) URL: {value!r}")
        return value

    @validator("doi")
    def _doi_well_formed(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not DOI.match(value):
            raise ValueError(f"not a bare DOI such as 10.1542/peds.2022-057988: {value!r}")
        return value

    @root_validator(skip_on_failure=True)
    def _who_and_where(cls, values):
        if not (values.get("organisation") or values.get("authors")):
            raise ValueError("a source needs an organisation or authors")
        if not (values.get("url") or values.get("doi")):
            raise ValueError("a source needs a url or a doi")
        return values

    @property
    def link(self) -> str:
        return self.url or f"https://doi.org/{self.doi}"

    @property
    def by(self) -> str:
        return self.organisation or self.authors or ""


class Fact(_Strict):
    id: str = Field(..., regex=FACT_ID)
    topic: str
    question: str = Field(..., min_length=5)
    keywords: List[str] = Field(default_factory=list)
    parent_answer: str = Field(..., min_length=20)
    professional_answer: str = Field(..., min_length=20)
    more_detail: Optional[str] = None
    evidence_grade: EvidenceGrade
    caveats: List[str] = Field(default_factory=list)
    sources: List[Source] = Field(..., min_items=1)
    related: List[str] = Field(default_factory=list)
    last_reviewed: dt.date
    urgency: Optional[Urgency] = None

    @validator("keywords", each_item=True)
    def _keywords_lower_case(cls, value: str) -> str:
        return value.strip().lower()

    @root_validator(skip_on_failure=True)
    def _urgency_only_for_warning_signs(cls, values):
        is_warning = values.get("topic") == WARNING_SIGNS_TOPIC
        if is_warning and values.get("urgency") is None:
            raise ValueError(f"facts of topic {WARNING_SIGNS_TOPIC} need an urgency")
        if not is_warning and values.get("urgency") is not None:
            raise ValueError(f"only facts of topic {WARNING_SIGNS_TOPIC} have an urgency")
        if not is_warning and not values.get("caveats"):
            raise ValueError("a fact needs at least one caveat")
        return values

    @property
    def is_urgent(self) -> bool:
        return self.urgency in ("emergency", "same_day")
