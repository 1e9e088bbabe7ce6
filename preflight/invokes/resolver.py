"""Answers for the invokes (data-source calls) a program makes under the mock runtime.

Order: a matching fixture from ``preflight.yaml``; else the built-in offline answer; else the
run stops with :class:`UnansweredInvokeError`. Never an invented answer.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from . import aws_account, aws_iam_policy_document, aws_region, oci_identity, oci_object_storage
from .builtin import BuiltinAnswer, NoBuiltinAnswer
from .call_sites import InvokeCall, user_frame
from .errors import InvalidInvokeArgumentsError, InvokeResultUnknown, UnansweredInvokeError
from .fixtures import FIXTURE_FILE, Fixtures, load_fixtures
from .provider_settings import ProviderSettings
from .tokens import package_of, short_token

BUILTINS: dict[str, BuiltinAnswer] = {
    aws_iam_policy_document.TOKEN: lambda args, _settings: aws_iam_policy_document.answer(args),
    aws_account.GET_CALLER_IDENTITY: aws_account.get_caller_identity,
    aws_region.GET_REGION: aws_region.get_region,
    aws_region.GET_PARTITION: aws_region.get_partition,
    aws_region.GET_AVAILABILITY_ZONES: aws_region.get_availability_zones,
    oci_identity.GET_AVAILABILITY_DOMAINS: oci_identity.get_availability_domains,
    oci_identity.GET_REGIONS: oci_identity.get_regions,
    oci_identity.GET_REGION_SUBSCRIPTIONS: oci_identity.get_region_subscriptions,
    oci_identity.GET_TENANCY: oci_identity.get_tenancy,
    oci_object_storage.GET_NAMESPACE: oci_object_storage.get_namespace,
}


# What each built-in answer rests on, for the reports: the pack's verdict may depend on it.
DERIVATIONS: dict[str, str] = {
    aws_iam_policy_document.TOKEN: "rendered from the arguments as the provider renders it",
    aws_account.GET_CALLER_IDENTITY: "the one account in allowedAccountIds, as its root identity",
    aws_region.GET_REGION: "the region, from the region catalog",
    aws_region.GET_PARTITION: "the region's partition, from the region catalog and botocore",
    aws_region.GET_AVAILABILITY_ZONES: "zones <region>a-c of the region (real count unknown)",
    oci_identity.GET_AVAILABILITY_DOMAINS: "one AD of the region, placeholder prefix Xxxx",
    oci_identity.GET_REGIONS: "the realm's regions, from the region catalog",
    oci_identity.GET_REGION_SUBSCRIPTIONS: "the provider's region only, as the home region",
    oci_identity.GET_TENANCY: "placeholder name; home region = the provider's region",
    oci_object_storage.GET_NAMESPACE: "placeholder namespace preflightns",
}


@dataclass(frozen=True)
class InvokeRecord:
    """One invoke the program made and where its answer came from (for the reports)."""

    token: str
    args: dict[str, Any]
    source: Literal["built-in", "fixture", "unknown"]  # unknown: args unknown during preview
    call_site: str | None
    note: str = ""  # the fixture entry ("preflight.yaml: invokes.<token>[0]") or built-in caveat


class InvokeResolver:
    def __init__(self, program_dir: Path, stack_config: Mapping[str, Any]) -> None:
        self.program_dir = Path(program_dir).resolve()
        self.stack_config = dict(stack_config)
        self.fixtures: Fixtures = load_fixtures(self.program_dir)  # FixtureFileError if invalid
        self._records: list[tuple[int, InvokeRecord]] = []
        self._calls: dict[int, InvokeCall] = {}  # every call the program made (saw_calls)
        self._answered: set[int] = set()
        self._display_base = Path.cwd()
        self._lock = threading.Lock()

    @property
    def records(self) -> list[InvokeRecord]:
        """Every invoke of the run, in call order, with where its answer came from.

        A call the SDK never passed on to be answered is listed as ``unknown``: its arguments
        depend on resources not created yet, and in a preview the SDK then gives the program an
        unknown result without asking the engine.
        """
        with self._lock:
            records = list(self._records)
            for number, call in self._calls.items():
                if number not in self._answered:
                    site = self._format_site(user_frame(call.stack, self.program_dir))
                    note = "not asked: its arguments depend on resources not yet created"
                    records.append((number, InvokeRecord(call.token, {}, "unknown", site, note)))
        return [record for _, record in sorted(records, key=lambda pair: pair[0])]

    def saw_calls(self, calls: list[InvokeCall]) -> None:
        """Every data-source call the program made, as its side of the run saw them (in order),
        including those the SDK never passed on to be answered."""
        with self._lock:
            for call in calls:
                self._calls[call.number] = call

    def answer(
        self,
        token: str,
        args: dict[str, Any],
        provider_inputs: Mapping[str, Any] | None,
        call: InvokeCall | None = None,
    ) -> dict[str, Any]:
        """The answer to one invoke; ``call`` is the program's call it answers, when known."""
        number = call.number if call is not None else 0
        if call is not None:
            with self._lock:
                self._answered.add(call.number)
        call_site = self._format_site(user_frame(call.stack, self.program_dir)) if call else None
        if contains_unknowns(args):
            note = "arguments depend on values unknown during preview, so the result is unknown"
            self._record(number, InvokeRecord(token, dict(args), "unknown", call_site, note))
            raise InvokeResultUnknown(token)
        fixture = self.fixtures.answer_for(token, args)
        if fixture is not None:
            record = InvokeRecord(token, dict(args), "fixture", call_site, fixture.where)
            self._record(number, record)
            return copy.deepcopy(dict(fixture.result))
        builtin = BUILTINS.get(token)
        reason = None
        if builtin is not None:
            settings = ProviderSettings.for_call(
                package_of(token), provider_inputs, self.stack_config
            )
            try:
                result = builtin(args, settings)
            except NoBuiltinAnswer as unavailable:
                reason = unavailable.reason
            except InvalidInvokeArgumentsError as invalid:
                where = f"called at {call_site}" if call_site else "call site unavailable"
                raise InvalidInvokeArgumentsError(
                    f"invoke {token} ({where}): the provider rejects these arguments too: "
                    f"{invalid.message}"
                ) from invalid
            else:
                note = f"{DERIVATIONS.get(token, 'derived offline')}; {settings.origin}"
                self._record(number, InvokeRecord(token, dict(args), "built-in", call_site, note))
                return result
        raise UnansweredInvokeError(
            self._unanswered_message(token, args, call_site, reason), token, call_site
        )

    # -----------------------------------------------------------------------------------------

    def _record(self, number: int, record: InvokeRecord) -> None:
        with self._lock:
            # Calls the program's side did not see keep the order in which they were answered.
            self._records.append((number or len(self._records), record))

    def _format_site(self, frame: tuple[str, int, str] | None) -> str | None:
        if frame is None:
            return None
        filename, line, _function = frame
        shown = os.path.relpath(filename, self._display_base)
        if shown.startswith(".." + os.sep + ".."):
            shown = filename
        return f"{shown}:{line}"

    def _unanswered_message(
        self, token: str, args: Mapping[str, Any], call_site: str | None, reason: str | None
    ) -> str:
        where = (
            f"called at {call_site}"
            if call_site
            else "call site unavailable (the invoke was not made from a file of the program)"
        )
        fixture_file = os.path.relpath(self.program_dir / FIXTURE_FILE, self._display_base)
        if reason:
            head = (
                f"invoke {token} ({where}) has a built-in offline answer that cannot be used "
                f"here: {reason}. Fix that, or give the answer in {fixture_file}:"
            )
        else:
            known = self.fixtures.find(token)
            why = (
                "none of its entries in " + FIXTURE_FILE + " matches these arguments"
                if known
                else "preflight has no built-in answer for it and no fixture gives one"
            )
            head = (
                f"invoke {token} ({where}) has no offline answer: {why}. preflight never invents "
                f"one; add this entry to {fixture_file} (beside Pulumi.yaml) with the outputs "
                "your program reads:"
            )
        return f"{head}\n\n{fixture_entry(token, args)}"


def contains_unknowns(value: Any) -> bool:
    """Whether an invoke argument holds an unknown (``pulumi.output.Unknown`` or the sentinel)."""
    if isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN):
        return True
    if isinstance(value, Mapping):
        return any(contains_unknowns(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(contains_unknowns(v) for v in value)
    return False


def result_fields(token: str) -> list[str]:
    """The data source's output names (camelCase) from its Python SDK, or [] if not found."""
    package, _, rest = token.partition(":")
    module, _, function = rest.split(":")[0].rpartition("/")
    python_module = f"pulumi_{package.replace('-', '_')}"
    if module and module != "index":
        python_module += "." + module.lower()
    try:
        loaded = importlib.import_module(python_module)
        result_type = getattr(loaded, function[:1].upper() + function[1:] + "Result")
        names = list(inspect.signature(result_type.__init__).parameters)[1:]
    except (ImportError, AttributeError, ValueError, TypeError):
        return []
    return [_camel(name) for name in names if not name.startswith("_")]


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def fixture_entry(token: str, args: Mapping[str, Any]) -> str:
    entry: dict[str, Any] = {}
    if args:
        entry["match"] = dict(args)
    fields = result_fields(token)
    entry["result"] = {name: "..." for name in fields} if fields else {"id": "..."}
    text = yaml.safe_dump(
        {"invokes": {short_token(token): [entry]}}, sort_keys=False, default_flow_style=False
    )
    return text.rstrip() + (
        "\n# replace each ... with the value the program should see; drop outputs it does not read"
    )
