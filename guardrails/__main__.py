"""The residency guardrails: run from the AWS Organizations management account and the OCI
tenancy's administrators (docs/cloud-guardrails.md)."""

from pathlib import Path

from blueprint.guardrails.program import main

main(Path(__file__).resolve().parent)
