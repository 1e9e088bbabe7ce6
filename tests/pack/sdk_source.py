"""Reading the installed provider SDKs' sources, to check the pack's property names against them."""

import importlib
import re
from functools import cache
from pathlib import Path


@cache
def module_source(token: str) -> str:
    """All Python source of the SDK module of a type token (``aws:s3/...`` -> pulumi_aws.s3)."""
    package = "pulumi_aws" if token.startswith("aws:") else "pulumi_oci"
    module = importlib.import_module(f"{package}.{token.split(':')[1].split('/')[0].lower()}")
    return "".join(p.read_text(encoding="utf-8") for p in Path(module.__file__).parent.glob("*.py"))


def has_property(token: str, camel_name: str) -> bool:
    """True if the SDK module of ``token`` declares a property with this engine (camelCase) name."""
    pattern = rf'(getter\(name="{re.escape(camel_name)}"\)|def {re.escape(camel_name)}\()'
    return re.search(pattern, module_source(token)) is not None
