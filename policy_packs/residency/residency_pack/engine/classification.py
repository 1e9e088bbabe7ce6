"""The data classification of a resource: the ``data-classification`` tag.

AWS resources carry it in ``tags``, OCI resources in ``freeformTags`` (the blueprint's
convention), at the input path the type catalog records for the type (``tags_at``, derived from
the SDK schema): ``oci:Database/database:Database`` keeps them in ``database.freeformTags``. The
value is read exactly; rules decide what an unknown or missing one means.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

from residency_pack.engine.props import UNKNOWN, _Unknown, get
from residency_pack.engine.type_catalog import cloud_of, tag_paths

CLASSIFICATION_TAG: Final = "data-classification"
US_USER_DATA: Final = "us-user-data"
NON_PERSONAL: Final = "non-personal"
PUBLIC: Final = "public"
CLASSIFICATIONS: Final[tuple[str, ...]] = (US_USER_DATA, NON_PERSONAL, PUBLIC)


def tag_field(resource_type: str) -> str:
    """The input path that carries the classification tag of this type (``tags``,
    ``freeformTags``, ``database.freeformTags``)."""
    paths = tag_paths(resource_type)
    if paths:
        return paths[0]
    return "freeformTags" if cloud_of(resource_type) == "oci" else "tags"


def classification_of(resource_type: str, props: Any) -> str | _Unknown | None:
    """The ``data-classification`` tag value; None if absent; UNKNOWN if the tags (or the
    value) are unknown during preview. A non-string value is returned as its ``str``."""
    fields = (
        ("tags", "freeformTags")
        if cloud_of(resource_type) is None
        else (tag_paths(resource_type) or (tag_field(resource_type),))
    )
    for path in fields:
        tags = get(props, *path.split("."))
        if tags is UNKNOWN:
            return UNKNOWN
        if not isinstance(tags, dict):
            continue
        value = get(tags, CLASSIFICATION_TAG)
        if value is UNKNOWN:
            return UNKNOWN
        if value is not None:
            return value if isinstance(value, str) else str(value)
    return None


def classification_with_provider_defaults(
    resource_type: str, props: Any, provider_props: Any
) -> str | _Unknown | None:
    """The resource's own classification, else the AWS provider's ``defaultTags`` one (AWS
    merges a provider's default tags into every resource's tags, the resource's own winning).

    The engine sends an object-valued provider input JSON-encoded (the SDK's ``Provider`` passes
    ``defaultTags`` through ``pulumi.runtime.to_json``; a default provider gets stack config the
    same way), so ``defaultTags`` is read as a JSON string as well as an object."""
    own = classification_of(resource_type, props)
    if own is not None or cloud_of(resource_type) != "aws":
        return own
    default_tags = get(_decoded(get(provider_props, "defaultTags")), "tags")
    if default_tags is UNKNOWN:
        return UNKNOWN
    if isinstance(default_tags, dict):
        value = get(default_tags, CLASSIFICATION_TAG)
        if value is UNKNOWN:
            return UNKNOWN
        if value is not None:
            return value if isinstance(value, str) else str(value)
    return None


# A resource that writes one tag (``key``/``value``) onto another resource by its id or ARN.
_TAG_RESOURCE: Final = re.compile(r"^aws:[A-Za-z0-9]+/tag:Tag$")


def case_variant_keys(resource_type: str, props: Any, provider_props: Any = None) -> list[str]:
    """Tag keys that equal ``data-classification`` case-insensitively but not exactly
    (``Data-Classification``), in the resource's own tags and, for AWS, its provider's
    ``defaultTags``. Tag keys are case-sensitive in both clouds, so such a key is another tag
    that the pack (and every reader of the label) ignores: an ambiguous label."""
    found: list[str] = []
    fields = (
        ("tags", "freeformTags")
        if cloud_of(resource_type) is None
        else (tag_paths(resource_type) or (tag_field(resource_type),))
    )
    bags = [get(props, *path.split(".")) for path in fields]
    if cloud_of(resource_type) == "aws" and provider_props is not None:
        bags.append(get(_decoded(get(provider_props, "defaultTags")), "tags"))
    if _TAG_RESOURCE.match(resource_type):
        # A tag resource (``aws.ec2.Tag``, ``aws:<module>/tag:Tag``) writes one key onto another
        # resource: a case variant there is the same ambiguous label on that resource.
        bags.append({get(props, "key"): None})
    for tags in bags:
        if not isinstance(tags, dict):
            continue
        for key in tags:
            if (
                isinstance(key, str)
                and key != CLASSIFICATION_TAG
                and key.strip().lower() == CLASSIFICATION_TAG
                and key not in found
            ):
                found.append(key)
    return found


def _decoded(value: Any) -> Any:
    """A JSON-encoded object decoded; anything else (an object, UNKNOWN, None) as it is."""
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value
