"""Data classification: the tag every data-bearing resource carries, which the pack reads."""

from __future__ import annotations

from typing import Literal

CLASSIFICATION_TAG = "data-classification"

Classification = Literal["us-user-data", "non-personal", "public"]
US_USER_DATA: Classification = "us-user-data"
NON_PERSONAL: Classification = "non-personal"
PUBLIC: Classification = "public"
CLASSIFICATIONS: tuple[Classification, ...] = (US_USER_DATA, NON_PERSONAL, PUBLIC)


def classification_tags(classification: Classification, stack: str) -> dict[str, str]:
    """Tags for a data-bearing resource (AWS ``tags`` / OCI ``freeformTags``)."""
    return {CLASSIFICATION_TAG: classification, "stack": stack, "managed-by": "pulumi"}
