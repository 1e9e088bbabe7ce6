"""Network foundations in several regions: where each resource lands decides the allowlist.

Nothing here holds data, so only the region allowlist has a say. Default providers take
`aws:region` / `oci:region` from Pulumi.test.yaml (us-east-1 / us-ashburn-1).
"""

import pulumi
import pulumi_aws as aws
import pulumi_oci as oci

# --- AWS, default provider: the region comes from the stack config (aws:region us-east-1).
# ok: residency-region-allowlist
primary = aws.ec2.Vpc("primary-vpc", cidr_block="10.0.0.0/16")

# ok: residency-region-allowlist
aws.ec2.Subnet(
    "primary-a", vpc_id=primary.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a"
)

# An availability zone is a location field: it says where the subnet is.
# violation: residency-region-allowlist
aws.ec2.Subnet(
    "stray-zone", vpc_id=primary.id, cidr_block="10.0.2.0/24", availability_zone="eu-west-1a"
)

# The region follows another resource's computed output: unknown in preview, so it cannot be
# decided (fail closed).
# violation: residency-region-allowlist
aws.ec2.Vpc("mirror-vpc", cidr_block="10.1.0.0/16", region=primary.region)

# --- AWS, explicit providers.
# An explicit provider without a region (and none in AWS_REGION / AWS_DEFAULT_REGION, which the
# test runner clears): nothing says where its resources go.
# ok: residency-region-allowlist
regionless = aws.Provider("regionless", allowed_account_ids=["111111111111"])

# violation: residency-region-allowlist
aws.ec2.Vpc(
    "somewhere-vpc", cidr_block="10.6.0.0/16", opts=pulumi.ResourceOptions(provider=regionless)
)

# ok: residency-region-allowlist
singapore = aws.Provider("singapore", region="ap-southeast-1", allowed_account_ids=["111111111111"])

# ok: residency-region-allowlist
aws.ec2.Vpc("edge-vpc", cidr_block="10.2.0.0/16", opts=pulumi.ResourceOptions(provider=singapore))

# violation: residency-region-allowlist
frankfurt = aws.Provider("frankfurt", region="eu-central-1", allowed_account_ids=["111111111111"])

# violation: residency-region-allowlist
aws.ec2.Vpc("eu-vpc", cidr_block="10.3.0.0/16", opts=pulumi.ResourceOptions(provider=frankfurt))

# A v7 resource's own `region` beats its provider's, in both directions.
# ok: residency-region-allowlist
aws.ec2.Vpc(
    "override-to-us",
    cidr_block="10.4.0.0/16",
    region="us-east-1",
    opts=pulumi.ResourceOptions(provider=frankfurt),
)

# violation: residency-region-allowlist
aws.ec2.Vpc(
    "override-to-oregon",
    cidr_block="10.5.0.0/16",
    region="us-west-2",
    opts=pulumi.ResourceOptions(provider=singapore),
)

# Region-neutral global types have no region, whatever their provider's is.
# ok: residency-region-allowlist
aws.iam.Role(
    "eu-ops",
    assume_role_policy="""{
      "Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                     "Principal": {"Service": "ec2.amazonaws.com"}}]
    }""",
    opts=pulumi.ResourceOptions(provider=frankfurt),
)

# --- OCI.
compartment = "ocid1.compartment.oc1..aaaaaaaafixturecompartment"

# ok: residency-region-allowlist
ashburn_vcn = oci.core.Vcn("ashburn-vcn", compartment_id=compartment, cidr_blocks=["10.10.0.0/16"])

# ok: residency-region-allowlist
phoenix = oci.Provider("phoenix", region="us-phoenix-1")

# ok: residency-region-allowlist
oci.core.Vcn(
    "phoenix-vcn",
    compartment_id=compartment,
    cidr_blocks=["10.11.0.0/16"],
    opts=pulumi.ResourceOptions(provider=phoenix),
)

# An availability-domain name places the subnet in Frankfurt, whatever the provider says.
# violation: residency-region-allowlist
oci.core.Subnet(
    "fra-subnet",
    compartment_id=compartment,
    vcn_id=ashburn_vcn.id,
    cidr_block="10.10.1.0/24",
    availability_domain="Uocm:EU-FRANKFURT-1-AD-1",
)

# violation: residency-region-allowlist
london = oci.Provider("london", region="uk-london-1")

# violation: residency-region-allowlist
oci.core.Vcn(
    "london-vcn",
    compartment_id=compartment,
    cidr_blocks=["10.12.0.0/16"],
    opts=pulumi.ResourceOptions(provider=london),
)
