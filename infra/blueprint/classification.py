"""Data classification: the tag every data-bearing resource carries, which the pack reads.

The tag's name comes from the pack's engine, so the blueprint and the pack cannot drift apart;
the values are typed here (a test keeps them equal to the pack's).
"""

from __future__ import annotations

from typing import Literal

from residency_pack.engine.classification import CLASSIFICATION_TAG

__all__ = [
    "CLASSIFICATIONS",
    "CLASSIFICATION_TAG",
    "NON_PERSONAL",
    "PUBLIC",
    "US_USER_DATA",
    "Classification",
    "classification_tags",
]

Classification = Literal["us-user-data", "non-personal", "public"]
US_USER_DATA: Classification = "us-user-data"
NON_PERSONAL: Classification = "non-personal"
PUBLIC: Classification = "public"
CLASSIFICATIONS: tuple[Classification, ...] = (US_USER_DATA, NON_PERSONAL, PUBLIC)


def classification_tags(classification: Classification, stack: str) -> dict[str, str]:
    """Tags for a data-bearing resource (AWS ``tags`` / OCI ``freeformTags``)."""
    return {CLASSIFICATION_TAG: classification, "stack": stack, "managed-by": "pulumi"}
