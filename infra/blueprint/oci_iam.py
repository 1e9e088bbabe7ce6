"""OCI IAM for US user data: an operators' group, a dynamic group for the databases, and one
policy attached to (and scoped to) the user-data compartment.

Every statement is an ``Allow`` inside this tenancy: there is no ``define``, ``endorse`` or
``admit`` statement, so no other tenancy can be granted access here.
"""

from __future__ import annotations

import pulumi
import pulumi_oci as oci

from blueprint.providers import child_opts

OPERATORS_GROUP = "us-data-operators"


def compartment_statements(
    compartment: str, operators: str, databases: str, regions: list[str], replicate: bool
) -> list[str]:
    """The policy statements, all scoped to ``compartment`` (by name)."""
    scope = f"in compartment {compartment}"
    statements = [
        f"Allow group {operators} to read all-resources {scope}",
        f"Allow group {operators} to manage object-family {scope}",
        f"Allow group {operators} to use autonomous-database-family {scope}",
        f"Allow group {operators} to use keys {scope}",
        f"Allow dynamic-group {databases} to use keys {scope}",
        f"Allow dynamic-group {databases} to read secret-family {scope}",
    ]
    # Object Storage encrypts each region's buckets with that region's Vault key.
    statements += [
        f"Allow service objectstorage-{region} to use keys {scope}" for region in regions
    ]
    if replicate:
        # Replication is performed by the source region's Object Storage service.
        statements.append(
            f"Allow service objectstorage-{regions[0]} to manage object-family {scope}"
        )
    return statements


class DataOperatorsAccess(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        *,
        tenancy_ocid: str,
        compartment: oci.identity.Compartment,
        compartment_name: str,
        regions: list[str],
        replicate: bool,
        stack: str,
        provider: oci.Provider,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("residency:oci:DataOperatorsAccess", name, None, opts)
        tags = {"stack": stack}
        operators = f"{OPERATORS_GROUP}-{stack}"
        databases = f"us-user-data-databases-{stack}"
        self.group = oci.identity.Group(
            f"{name}-operators",
            compartment_id=tenancy_ocid,
            name=operators,
            description="Operators of US user data",
            freeform_tags=tags,
            opts=child_opts(self, provider),
        )
        self.dynamic_group = oci.identity.DynamicGroup(
            f"{name}-databases",
            compartment_id=tenancy_ocid,
            name=databases,
            description="Autonomous Databases of the US user-data compartment",
            matching_rule=compartment.id.apply(
                lambda cid: (
                    "ALL {resource.type = 'autonomousdatabase', "
                    f"resource.compartment.id = '{cid}'}}"
                )
            ),
            freeform_tags=tags,
            opts=child_opts(self, provider),
        )
        self.policy = oci.identity.Policy(
            f"{name}-policy",
            compartment_id=compartment.id,
            name=f"us-user-data-{stack}",
            description="Access to US user data, scoped to its compartment",
            # Plain strings (not outputs), so the statements are known in preview and the
            # policy pack can read every one of them.
            statements=compartment_statements(
                compartment_name, operators, databases, regions, replicate
            ),
            freeform_tags=tags,
            opts=child_opts(self, provider, depends_on=[self.group, self.dynamic_group]),
        )
        self.register_outputs({"groupName": self.group.name})
