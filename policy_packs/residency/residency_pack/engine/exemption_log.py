"""What the exemptions of the policy config did, reported next to the violations.

An exempted finding does not block, but it must not vanish: a reviewer has to see which
resources ride on which exemption, why, and until when. The rule wrapper (``rule.py``) records
every finding an exemption silences; the pack's servicer (``servicer.py``) turns the records into
**advisory** diagnostics of the same policy, so they show in ``pulumi preview``/``up`` output, in
Pulumi Cloud and in every preflight report, and never fail a run. After the stack policies have
run, the servicer adds one advisory note per exemption that silenced nothing in this run, that
has expired, or that expires within ``exemptionWarningDays``.

The diagnostic's ``description`` carries the facts as one line, ``DESCRIPTION_PREFIX`` followed
by JSON (:func:`note_description` / :func:`parse_note`), so that preflight reports them from
the pack's own answer, never from a second reading of the config.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final, Literal

from residency_pack.engine.pack_config import Exemption

DESCRIPTION_PREFIX: Final = "residency exemption "
Status = Literal["exempted", "unused", "expiring", "expired"]
_LIMIT: Final = 100_000  # records kept for one call; a call analyses one resource or one stack


@dataclass(frozen=True)
class Note:
    """One exemption fact: a finding it silenced (``exempted``), or a warning about it."""

    policy: str
    status: Status
    rule: str
    reason: str
    expires: str  # YYYY-MM-DD
    message: str
    urn: str = ""


def rule_of(exemption: Exemption) -> str:
    """What the exemption matches, as written in the config."""
    if exemption.urn is not None:
        return exemption.urn
    return f"name {exemption.name} of type {exemption.type}"


class _Calls(threading.local):
    records: list[Note] | None = None


_CALLS = _Calls()
_USED_LOCK = threading.Lock()
_USED: set[tuple[str, Exemption]] = set()


@contextmanager
def collecting() -> Iterator[list[Note]]:
    """Collect, in this thread, the findings exemptions silence while the block runs."""
    previous = _CALLS.records
    _CALLS.records = []
    try:
        yield _CALLS.records
    finally:
        _CALLS.records = previous


def record_exempted(policy: str, urn: str | None, message: str, exemption: Exemption) -> None:
    """Called by the rule wrapper for a finding ``exemption`` silences."""
    with _USED_LOCK:
        _USED.add((policy, exemption))
    records = _CALLS.records
    if records is None or len(records) >= _LIMIT:
        return
    records.append(
        Note(
            policy=policy, status="exempted", rule=rule_of(exemption), reason=exemption.reason,
            expires=exemption.expires.isoformat(), urn=urn or "",
            message=(
                f"Exempted until {exemption.expires.isoformat()} by the policy config "
                f"(exemption for {rule_of(exemption)}: {exemption.reason}), so not enforced: "
                f"{message}"
            ),
        )
    )  # fmt: skip


def forget_usage() -> None:
    """A new run (``Configure``): no exemption has silenced anything yet."""
    with _USED_LOCK:
        _USED.clear()


def was_used(policy: str, exemption: Exemption) -> bool:
    with _USED_LOCK:
        return (policy, exemption) in _USED


def review(
    policy: str, exemptions: list[Exemption], warning_days: int, today: dt.date
) -> list[Note]:
    """Warnings about ``policy``'s exemptions after a run: expired, silencing nothing, or
    expiring within ``warning_days``."""
    notes: list[Note] = []
    for exemption in exemptions:
        rule, expires = rule_of(exemption), exemption.expires.isoformat()
        base = {"policy": policy, "rule": rule, "reason": exemption.reason, "expires": expires}
        what = f"The `{policy}` exemption for {rule} ({exemption.reason})"
        if exemption.expired(today):
            notes.append(
                Note(**base, status="expired", message=(
                    f"{what} expired on {expires}: the findings it covered are violations again. "
                    "Fix: fix the resources, or renew the exemption by a reviewed pull request "
                    "to the policy config with a new expiry; remove it once it is not needed."
                ))
            )  # fmt: skip
            continue
        if not was_used(policy, exemption):
            notes.append(
                Note(**base, status="unused", message=(
                    f"{what} silenced no finding in this stack: it matches no resource that "
                    f"violates `{policy}`. Fix: remove it from the policy config (or correct its "
                    "`urn`/`name` if it was meant to match a resource)."
                ))
            )  # fmt: skip
        days = (exemption.expires - today).days
        if days <= warning_days:
            notes.append(
                Note(**base, status="expiring", message=(
                    f"{what} expires on {expires}, in {days} day{'s' if days != 1 else ''}. "
                    "Fix: fix the resources it covers before then, or renew it by a reviewed "
                    "pull request to the policy config."
                ))
            )  # fmt: skip
    return notes


def note_description(note: Note) -> str:
    facts = {
        "status": note.status,
        "rule": note.rule,
        "reason": note.reason,
        "expires": note.expires,
    }
    return DESCRIPTION_PREFIX + json.dumps(facts, sort_keys=True)


def parse_note(description: str) -> Mapping[str, Any] | None:
    """The facts of an exemption note, from a diagnostic's description; None for any other
    diagnostic."""
    if not description.startswith(DESCRIPTION_PREFIX):
        return None
    try:
        facts = json.loads(description[len(DESCRIPTION_PREFIX) :])
    except ValueError:
        return None
    if not isinstance(facts, dict) or facts.get("status") not in (
        "exempted", "unused", "expiring", "expired"
    ):  # fmt: skip
        return None
    return facts
