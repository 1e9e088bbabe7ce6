"""The guardrails stack's settings (``residency-guardrails:*`` in
``guardrails/Pulumi.<stack>.yaml``), read and checked before any resource is declared. Regions are
not among them: they come from the residency pack's table (:mod:`blueprint.guardrails.table`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi

from blueprint.config import ConfigError, ConfigProblem
from blueprint.guardrails import table

PROJECT = "residency-guardrails"

_ORG_ID = re.compile(r"^o-[a-z0-9]{10,32}$")
_OU_ID = re.compile(r"^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$")
_ACCOUNT = re.compile(r"^[0-9]{12}$")
_TENANCY = re.compile(r"^ocid1\.tenancy\.[a-z0-9-]+\.[^.]*\..+$")
_OCI_NAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")


@dataclass(frozen=True)
class GuardrailSettings:
    stack: str
    management_account_id: str
    organization_id: str
    user_data_ou_ids: tuple[str, ...]
    tenancy_ocid: str
    home_region: str
    # user-data compartment name -> the group that operates it
    compartments: Mapping[str, str]
    # The tenancy has OCI IAM deny policies enabled (an opt-in feature): declare deny statements.
    oci_deny_statements: bool
    regions: table.RegionTable


def _policy_pack_config(value: str | None, program_dir: Path) -> Path | None:
    if not value:
        return None
    path = Path(value)
    return path if path.is_absolute() else (program_dir / path).resolve()


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def load(program_dir: Path, stack: str | None = None) -> GuardrailSettings:
    """Read and validate the stack config, or raise ``ConfigError`` naming every bad key."""
    stack = stack or pulumi.get_stack()
    cfg, aws_cfg, oci_cfg = pulumi.Config(PROJECT), pulumi.Config("aws"), pulumi.Config("oci")
    problems: list[ConfigProblem] = []

    def problem(key: str, message: str) -> None:
        problems.append(ConfigProblem(key, message))

    accounts = _list(aws_cfg.get_object("allowedAccountIds"))
    if len(accounts) != 1 or not _ACCOUNT.fullmatch(str(accounts[0])):
        problem(
            "aws:allowedAccountIds",
            "give exactly one 12-digit account id: the AWS "
            "Organizations management account the guardrails are deployed from",
        )
    organization = cfg.get("organizationId") or ""
    if not _ORG_ID.fullmatch(organization):
        problem(
            f"{PROJECT}:organizationId",
            f"{organization!r} is not an AWS Organizations id "
            "(o- and 10 to 32 lowercase letters or digits)",
        )
    ous = _list(cfg.get_object("userDataOuIds"))
    bad_ous = [ou for ou in ous if not _OU_ID.fullmatch(str(ou))]
    if not ous or bad_ous:
        problem(
            f"{PROJECT}:userDataOuIds",
            "give the ids of the organizational units that hold "
            f"the user-data accounts (ou-xxxx-yyyyyyyy); bad: {bad_ous or 'none given'}",
        )
    tenancy = oci_cfg.get("tenancyOcid") or ""
    if not _TENANCY.fullmatch(tenancy):
        problem("oci:tenancyOcid", f"{tenancy!r} is not a tenancy OCID")
    home = oci_cfg.get("region") or ""
    compartments = cfg.get_object("userDataCompartments") or {}
    if (
        not isinstance(compartments, Mapping)
        or not compartments
        or not all(
            _OCI_NAME.fullmatch(str(k)) and _OCI_NAME.fullmatch(str(v))
            for k, v in compartments.items()
        )
    ):
        problem(
            f"{PROJECT}:userDataCompartments",
            "give a map from each user-data compartment's "
            "name to the name of the group that operates it",
        )
        compartments = {}
    deny = cfg.get("ociDenyStatements") or "false"
    if deny not in ("true", "false"):
        problem(f"{PROJECT}:ociDenyStatements", f"{deny!r} is not a boolean (true or false)")
    try:
        regions = table.load(_policy_pack_config(cfg.get("policyPackConfig"), program_dir))
    except table.TableError as error:
        problem(f"{PROJECT}:policyPackConfig", str(error))
        regions = table.from_config({})
    if home and home not in regions.user_data["oci"]:
        problem(
            "oci:region",
            f"the tenancy's home region {home!r} (where OCI IAM and quotas are "
            "managed) is not allowed for us-user-data by the pack's table",
        )
    if problems:
        raise ConfigError(stack, problems)
    return GuardrailSettings(
        stack=stack,
        management_account_id=str(accounts[0]),
        organization_id=organization,
        user_data_ou_ids=tuple(str(ou) for ou in ous),
        tenancy_ocid=tenancy,
        home_region=home,
        compartments={str(k): str(v) for k, v in compartments.items()},
        oci_deny_statements=deny == "true",
        regions=regions,
    )
