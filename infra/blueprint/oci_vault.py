"""An OCI Vault with an HSM-protected master encryption key, one per region.

Stores are encrypted with the key of their own region's vault: a key never serves a store in
another region.
"""

from __future__ import annotations

import pulumi
import pulumi_oci as oci

from blueprint.classification import US_USER_DATA, classification_tags
from blueprint.providers import child_opts

KEY_ROTATION_DAYS = 90


class RegionalVault(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        *,
        region: str,
        compartment_id: pulumi.Input[str],
        stack: str,
        provider: oci.Provider,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("residency:oci:RegionalVault", name, None, opts)
        self.region = region
        tags = classification_tags(US_USER_DATA, stack)
        self.vault = oci.kms.Vault(
            f"{name}-vault",
            compartment_id=compartment_id,
            display_name=f"us-user-data-{region}",
            # A virtual private vault: its own HSM partition, and automatic key rotation.
            vault_type="VIRTUAL_PRIVATE",
            freeform_tags=tags,
            opts=child_opts(self, provider, protect=True),
        )
        self.key = oci.kms.Key(
            f"{name}-master-key",
            compartment_id=compartment_id,
            display_name=f"us-user-data-master-{region}",
            management_endpoint=self.vault.management_endpoint,
            key_shape=oci.kms.KeyKeyShapeArgs(algorithm="AES", length=32),
            protection_mode="HSM",
            is_auto_rotation_enabled=True,
            auto_key_rotation_details=oci.kms.KeyAutoKeyRotationDetailsArgs(
                rotation_interval_in_days=KEY_ROTATION_DAYS,
            ),
            freeform_tags=tags,
            opts=child_opts(self, provider, protect=True),
        )
        self.register_outputs({"vaultId": self.vault.id, "keyId": self.key.id})
