"""US user traffic goes to OCI only: a public load balancer per OCI region in front of the
private tier, and a DNS steering policy that fails over from the primary to the DR region."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_oci as oci

from blueprint.oci_network import HTTPS, DataTierNetwork
from blueprint.providers import child_opts

APP_RECORD = "app"


@dataclass(frozen=True)
class RegionalEntry:
    """One region's way in: the region, its network and its provider. Primary first."""

    pool: str  # "primary" or "dr"
    region: str
    network: DataTierNetwork
    provider: oci.Provider


def _first_ip(details: Sequence[oci.loadbalancer.outputs.LoadBalancerIpAddressDetail]) -> str:
    return (details[0].ip_address or "") if details else ""


class UserTraffic(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        *,
        entries: list[RegionalEntry],
        compartment_id: pulumi.Input[str],
        zone_name: str,
        stack: str,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("residency:oci:UserTraffic", name, None, opts)
        tags = {"stack": stack}
        self.load_balancers = {}
        ips: dict[str, pulumi.Output[str]] = {}
        for entry in entries:
            lb = oci.loadbalancer.LoadBalancer(
                f"{name}-{entry.pool}-lb",
                compartment_id=compartment_id,
                display_name=f"us-users-{entry.region}",
                shape="flexible",
                shape_details={"minimum_bandwidth_in_mbps": 10, "maximum_bandwidth_in_mbps": 100},
                is_private=False,
                subnet_ids=[entry.network.lb_subnet.id],
                network_security_group_ids=[entry.network.lb_nsg.id],
                freeform_tags=tags,
                opts=child_opts(self, entry.provider),
            )
            backend_set = oci.loadbalancer.BackendSet(
                f"{name}-{entry.pool}-app",
                load_balancer_id=lb.id,
                name="app",
                policy="LEAST_CONNECTIONS",
                health_checker={"protocol": "TCP", "port": HTTPS},
                opts=child_opts(self, entry.provider),
            )
            oci.loadbalancer.Listener(
                f"{name}-{entry.pool}-https",
                load_balancer_id=lb.id,
                name="https",
                port=HTTPS,
                # TLS passes through to the private tier, which terminates it.
                protocol="TCP",
                default_backend_set_name=backend_set.name,
                opts=child_opts(self, entry.provider),
            )
            self.load_balancers[entry.pool] = lb
            ips[entry.pool] = lb.ip_address_details.apply(_first_ip)

        # DNS is a global service; its control plane is reached through the primary provider.
        dns_provider = entries[0].provider
        zone = oci.dns.Zone(
            f"{name}-zone",
            compartment_id=compartment_id,
            name=zone_name,
            zone_type="PRIMARY",
            freeform_tags=tags,
            opts=child_opts(self, dns_provider),
        )
        monitor = oci.healthchecks.HttpMonitor(
            f"{name}-health",
            compartment_id=compartment_id,
            display_name="us-users-lb",
            protocol="HTTPS",
            port=HTTPS,
            path="/healthz",
            interval_in_seconds=30,
            targets=list(ips.values()),
            freeform_tags=tags,
            opts=child_opts(self, dns_provider),
        )
        self.steering_policy = oci.dns.SteeringPolicy(
            f"{name}-failover",
            compartment_id=compartment_id,
            display_name="us-users-failover",
            template="FAILOVER",
            ttl=30,
            health_check_monitor_id=monitor.id,
            answers=[
                {"name": pool, "rtype": "A", "rdata": ip, "pool": pool} for pool, ip in ips.items()
            ],
            rules=[
                {
                    "rule_type": "FILTER",
                    "default_answer_datas": [
                        {"answer_condition": "answer.isDisabled != true", "should_keep": True}
                    ],
                },
                {"rule_type": "HEALTH"},
                {
                    "rule_type": "PRIORITY",
                    "default_answer_datas": [
                        {"answer_condition": f"answer.pool == '{pool}'", "value": rank}
                        for rank, pool in enumerate(ips, start=1)
                    ],
                },
                {"rule_type": "LIMIT", "default_count": 1},
            ],
            freeform_tags=tags,
            opts=child_opts(self, dns_provider),
        )
        self.domain_name = f"{APP_RECORD}.{zone_name}"
        oci.dns.SteeringPolicyAttachment(
            f"{name}-failover-attachment",
            domain_name=self.domain_name,
            steering_policy_id=self.steering_policy.id,
            zone_id=zone.id,
            display_name=self.domain_name,
            opts=child_opts(self, dns_provider),
        )
        self.ips = ips
        self.register_outputs({"domainName": self.domain_name})
