"""Cloud-side residency guardrails: AWS Organizations policies (SCPs, RCPs) and OCI compartment
quotas and IAM statements, generated from the residency pack's own allowed-regions table.

The pure builders (``table``, ``aws_documents``, ``oci_statements``) take the table and return
documents; ``components`` declares them; ``program`` is the second Pulumi project's entry point
(``guardrails/``). See docs/cloud-guardrails.md.
"""
