"""The VCN of one OCI region: private subnets for the data tier, a public subnet only for the
load balancer, a service gateway for Oracle services, and NSGs.

The data tier has no route to the internet: its only gateway is the service gateway (Object
Storage, Vault and the other Oracle Services Network endpoints of the same region).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping

import pulumi
import pulumi_oci as oci
from residency_pack.engine import region_catalog

from blueprint.providers import child_opts

HTTPS = 443
DATABASE_TLS = 1522  # Autonomous Database mTLS listener


def all_services_name(region: str) -> str:
    """The name OCI gives the "every Oracle service of the region" entry of the service list,
    e.g. "All IAD Services In Oracle Services Network" (the key comes from the catalog)."""
    catalog_region = region_catalog.lookup("oci", region)
    key = catalog_region.key if catalog_region else region
    return f"All {key.upper()} Services In Oracle Services Network"


def _tcp_rule(port: int) -> oci.core.NetworkSecurityGroupSecurityRuleTcpOptionsArgs:
    return oci.core.NetworkSecurityGroupSecurityRuleTcpOptionsArgs(
        destination_port_range=oci.core.NetworkSecurityGroupSecurityRuleTcpOptionsDestinationPortRangeArgs(
            min=port, max=port
        )
    )


def _nsg_allowing_tcp_in(
    nsg_name: str,
    rule_name: str,
    *,
    display_name: str,
    source_cidr: pulumi.Input[str],
    port: int,
    description: str,
    compartment_id: pulumi.Input[str],
    vcn_id: pulumi.Input[str],
    tags: Mapping[str, str],
    opts: Callable[[], pulumi.ResourceOptions],
) -> oci.core.NetworkSecurityGroup:
    """A network security group whose only rule admits TCP to ``port`` from ``source_cidr``."""
    nsg = oci.core.NetworkSecurityGroup(
        nsg_name,
        compartment_id=compartment_id,
        vcn_id=vcn_id,
        display_name=display_name,
        freeform_tags=tags,
        opts=opts(),
    )
    oci.core.NetworkSecurityGroupSecurityRule(
        rule_name,
        network_security_group_id=nsg.id,
        direction="INGRESS",
        protocol="6",
        source=source_cidr,
        source_type="CIDR_BLOCK",
        tcp_options=_tcp_rule(port),
        description=description,
        opts=opts(),
    )
    return nsg


def _all_services(
    result: oci.core.GetServicesResult, region: str
) -> oci.core.outputs.GetServicesServiceResult:
    """The region's "All <KEY> Services In Oracle Services Network" entry."""
    wanted = all_services_name(region)
    for service in result.services or []:
        if service.name == wanted:
            return service
    raise pulumi.RunError(
        f"oci:core:getServices returned no {wanted!r} entry for {region}; the service gateway "
        "of the data tier needs it"
    )


class DataTierNetwork(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        *,
        region: str,
        cidr: str,
        compartment_id: pulumi.Input[str],
        stack: str,
        provider: oci.Provider,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("residency:oci:DataTierNetwork", name, None, opts)
        self.region = region
        data_cidr, lb_cidr = (str(s) for s in list(ipaddress.IPv4Network(cidr).subnets(1)))
        tags = {"stack": stack}

        def o() -> pulumi.ResourceOptions:
            return child_opts(self, provider)

        self.vcn = oci.core.Vcn(
            f"{name}-vcn",
            compartment_id=compartment_id,
            cidr_blocks=[cidr],
            display_name=f"us-user-data-{region}",
            dns_label="usdata",
            freeform_tags=tags,
            opts=o(),
        )

        # The service gateway serves every Oracle service of its own region.
        oracle_services = oci.core.get_services_output(
            filters=[
                oci.core.GetServicesFilterArgs(name="name", values=[all_services_name(region)])
            ],
            opts=pulumi.InvokeOutputOptions(provider=provider, parent=self),
        )
        all_services = oracle_services.apply(lambda result: _all_services(result, region))
        self.service_gateway = oci.core.ServiceGateway(
            f"{name}-service-gateway",
            compartment_id=compartment_id,
            vcn_id=self.vcn.id,
            services=[
                oci.core.ServiceGatewayServiceArgs(service_id=all_services.apply(lambda s: s.id))
            ],
            display_name=f"oracle-services-{region}",
            freeform_tags=tags,
            opts=o(),
        )
        private_routes = oci.core.RouteTable(
            f"{name}-private-routes",
            compartment_id=compartment_id,
            vcn_id=self.vcn.id,
            display_name="data-tier",
            route_rules=[
                {
                    "network_entity_id": self.service_gateway.id,
                    "destination": all_services.apply(lambda s: s.cidr_block),
                    "destination_type": "SERVICE_CIDR_BLOCK",
                }
            ],
            freeform_tags=tags,
            opts=o(),
        )
        self.data_subnet = oci.core.Subnet(
            f"{name}-data-subnet",
            compartment_id=compartment_id,
            vcn_id=self.vcn.id,
            cidr_block=data_cidr,
            display_name="data-tier",
            dns_label="data",
            prohibit_public_ip_on_vnic=True,
            prohibit_internet_ingress=True,
            route_table_id=private_routes.id,
            freeform_tags=tags,
            opts=o(),
        )

        internet_gateway = oci.core.InternetGateway(
            f"{name}-internet-gateway",
            compartment_id=compartment_id,
            vcn_id=self.vcn.id,
            enabled=True,
            display_name="load-balancer-only",
            freeform_tags=tags,
            opts=o(),
        )
        public_routes = oci.core.RouteTable(
            f"{name}-public-routes",
            compartment_id=compartment_id,
            vcn_id=self.vcn.id,
            display_name="load-balancer",
            route_rules=[
                {
                    "network_entity_id": internet_gateway.id,
                    "destination": "0.0.0.0/0",
                    "destination_type": "CIDR_BLOCK",
                }
            ],
            freeform_tags=tags,
            opts=o(),
        )
        self.lb_subnet = oci.core.Subnet(
            f"{name}-lb-subnet",
            compartment_id=compartment_id,
            vcn_id=self.vcn.id,
            cidr_block=lb_cidr,
            display_name="load-balancer",
            dns_label="lb",
            prohibit_public_ip_on_vnic=False,
            route_table_id=public_routes.id,
            freeform_tags=tags,
            opts=o(),
        )

        self.lb_nsg = _nsg_allowing_tcp_in(
            f"{name}-lb-nsg",
            f"{name}-lb-https-in",
            display_name="load-balancer",
            source_cidr="0.0.0.0/0",
            port=HTTPS,
            description="HTTPS from US users (DNS steers them here)",
            compartment_id=compartment_id,
            vcn_id=self.vcn.id,
            tags=tags,
            opts=o,
        )
        self.database_nsg = _nsg_allowing_tcp_in(
            f"{name}-database-nsg",
            f"{name}-database-in",
            display_name="database",
            source_cidr=cidr,
            port=DATABASE_TLS,
            description="mTLS to the database from inside the VCN only",
            compartment_id=compartment_id,
            vcn_id=self.vcn.id,
            tags=tags,
            opts=o,
        )
        self.register_outputs({"vcnId": self.vcn.id, "dataSubnetId": self.data_subnet.id})
