"""The compartment that holds every OCI resource of US user data."""

from __future__ import annotations

import pulumi
import pulumi_oci as oci

from blueprint.providers import child_opts


class UserDataCompartment(pulumi.ComponentResource):
    """A compartment under the tenancy; IAM policies are scoped to it."""

    def __init__(
        self,
        name: str,
        *,
        tenancy_ocid: str,
        stack: str,
        provider: oci.Provider,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("residency:oci:UserDataCompartment", name, None, opts)
        self.compartment_name = f"us-user-data-{stack}"
        self.compartment = oci.identity.Compartment(
            f"{name}-compartment",
            compartment_id=tenancy_ocid,
            name=self.compartment_name,
            description=f"US user data ({stack}); policies scoped here",
            # enable_delete=False: `pulumi destroy` leaves the compartment in place.
            enable_delete=False,
            freeform_tags={"stack": stack},
            opts=child_opts(self, provider, protect=True),
        )
        self.register_outputs({"compartmentId": self.compartment.id})
