"""The stack config the flow tests run under: the stack's own account and tenancy, as the
engine sends them to ``ConfigureStack`` (trust comes from there when the policy config is
silent)."""

from __future__ import annotations

OWN_ACCOUNT = "111122223333"
FOREIGN_ACCOUNT = "999999999999"
OWN_TENANCY = "ocid1.tenancy.oc1..aaaaaaaaexampletenancy"
STACK_CONFIG = {"aws:allowedAccountIds": f'["{OWN_ACCOUNT}"]', "oci:tenancyOcid": OWN_TENANCY}
