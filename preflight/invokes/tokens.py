"""Invoke tokens.

The engine sends ``pkg:module/function:function``; people write ``pkg:module/function``.
"""

from __future__ import annotations


def short_token(token: str) -> str:
    """``aws:iam/getPolicyDocument:getPolicyDocument`` -> ``aws:iam/getPolicyDocument``."""
    parts = token.split(":")
    if len(parts) == 3 and parts[1].endswith("/" + parts[2]):
        return f"{parts[0]}:{parts[1]}"
    return token


def package_of(token: str) -> str:
    return token.split(":", 1)[0]
