"""residency-key-locality (a stack policy): keys resolved through the stack graph."""

import dataclasses
import datetime as dt

import pytest
from residency_pack.engine import pack_config
from residency_pack.rules.key_locality import POLICY, STORE_KEY_PATHS
from residency_pack.testing import (
    UNKNOWN_ARRAY,
    UNKNOWN_STRING,
    Resource,
    analyze_stack,
    aws_provider,
    oci_provider,
)

USER = {"data-classification": "us-user-data"}
PRIMARY = oci_provider("us-ashburn-1", name="primary")
OCI_KEY = Resource("oci:Kms/key:Key", "key", {"displayName": "k", "freeformTags": USER}, PRIMARY)
OCI_BUCKET = Resource(
    "oci:ObjectStorage/bucket:Bucket",
    "content",
    {"name": "content", "kmsKeyId": UNKNOWN_STRING, "freeformTags": USER},
    PRIMARY,
    property_dependencies={"kmsKeyId": [OCI_KEY.resource_urn()]},
)

EAST = aws_provider("us-east-1", name="backup")
AWS_KEY = Resource("aws:kms/key:Key", "bkey", {"tags": USER}, EAST)
AWS_BUCKET = Resource("aws:s3/bucket:Bucket", "backups", {"bucketPrefix": "b-", "tags": USER}, EAST)
AWS_SSE = Resource(
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "backups-encryption",
    {
        "bucket": UNKNOWN_STRING,
        "rules": [
            {
                "applyServerSideEncryptionByDefault": {
                    "sseAlgorithm": "aws:kms",
                    "kmsMasterKeyId": UNKNOWN_STRING,
                }
            }
        ],
    },
    EAST,
    property_dependencies={
        "bucket": [AWS_BUCKET.resource_urn()],
        "rules": [AWS_KEY.resource_urn()],
    },
)

OCI_STACK = [OCI_KEY, OCI_BUCKET]
AWS_STACK = [AWS_KEY, AWS_BUCKET, AWS_SSE]


OWN_ACCOUNT = "111122223333"
FOREIGN_ACCOUNT = "999999999999"
# The stack's own config, as the engine sends it to ConfigureStack: trust comes from there.
STACK_CONFIG = {"aws:allowedAccountIds": f'["{OWN_ACCOUNT}"]'}


def messages(resources, config=None, stack_config=STACK_CONFIG):
    diags = analyze_stack(POLICY, resources, config, stack_config)
    assert all(d.enforcement == "mandatory" and d.policy == "residency-key-locality" for d in diags)
    return [(d.urn.rsplit("::", 1)[-1], d.message) for d in diags]


def replace(stack, old, **changes):
    return [dataclasses.replace(r, **changes) if r is old else r for r in stack]


@pytest.mark.parametrize("stack", [OCI_STACK, AWS_STACK, OCI_STACK + AWS_STACK])
def test_same_stack_keys_unknown_in_preview_resolve_through_property_dependencies(stack):
    assert messages(stack) == []


def test_key_in_a_region_not_allowed_for_user_data():
    stack = replace(OCI_STACK, OCI_KEY, provider=oci_provider("eu-frankfurt-1", name="fra"))
    [(urn_name, message)] = messages(stack)
    assert urn_name == "content"
    assert "key `key`" in message and "`eu-frankfurt-1`" in message


def test_aws_key_in_singapore_behind_the_s3_encryption_resource():
    stack = replace(AWS_STACK, AWS_KEY, provider=aws_provider("ap-southeast-1", name="sg"))
    [(urn_name, message)] = messages(stack)
    assert urn_name == "backups" and "`ap-southeast-1`" in message


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (
            "arn:aws:kms:ap-southeast-1:111122223333:key/0d2c6d4e-5f1a-4b7e-9c1e-1234567890ab",
            "`ap-southeast-1`",
        ),
        ("alias/aws/s3", "AWS-managed"),
        ("arn:aws:kms:us-east-1:111122223333:alias/aws/s3", "AWS-managed"),
        ("not-a-key", "names no region"),
    ],
)
def test_literal_key_references(key, expected):
    sse = dataclasses.replace(
        AWS_SSE,
        props={
            **AWS_SSE.props,
            "rules": [
                {
                    "applyServerSideEncryptionByDefault": {
                        "sseAlgorithm": "aws:kms",
                        "kmsMasterKeyId": key,
                    }
                }
            ],
        },
    )
    [(_, message)] = messages([AWS_BUCKET, sse])
    assert expected in message


def test_literal_key_in_an_allowed_region_and_a_bare_key_id_resolve_without_the_graph():
    for key in (
        "arn:aws:kms:us-east-1:111122223333:key/0d2c6d4e-5f1a-4b7e-9c1e-1234567890ab",
        "0d2c6d4e-5f1a-4b7e-9c1e-1234567890ab",
        "alias/backups",
    ):
        rds = Resource("aws:rds/instance:Instance", "db", {"kmsKeyId": key, "tags": USER}, EAST)
        assert messages([rds]) == [], key
    oci = dataclasses.replace(
        OCI_BUCKET, props={**OCI_BUCKET.props, "kmsKeyId": "ocid1.key.oc1.iad.abc.def"}
    )
    assert messages([oci]) == []
    oci_sg = dataclasses.replace(oci, props={**oci.props, "kmsKeyId": "ocid1.key.oc1.sin.abc.def"})
    assert "`ap-singapore-1`" in messages([oci_sg])[0][1]


def test_bucket_without_customer_managed_encryption():
    [(_, message)] = messages([AWS_KEY, AWS_BUCKET])
    assert "not encrypted with a customer-managed key" in message
    aes = dataclasses.replace(
        AWS_SSE,
        props={
            **AWS_SSE.props,
            "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}],
        },
    )
    assert len(messages([AWS_KEY, AWS_BUCKET, aes])) == 1
    no_key = dataclasses.replace(OCI_BUCKET, props={"name": "content", "freeformTags": USER})
    assert len(messages([no_key])) == 1


def test_encryption_resource_found_by_literal_bucket_name():
    bucket = dataclasses.replace(AWS_BUCKET, props={"bucket": "named", "tags": USER})
    sse = dataclasses.replace(
        AWS_SSE,
        props={**AWS_SSE.props, "bucket": "named"},
        property_dependencies={"rules": [AWS_KEY.resource_urn()]},
    )
    assert messages([AWS_KEY, bucket, sse]) == []


def test_unknown_key_not_traced_to_the_stack_fails_closed():
    orphan = dataclasses.replace(OCI_BUCKET, property_dependencies={})
    [(_, message)] = messages([orphan])
    assert "unknown during preview" in message and "cannot be decided" in message


def test_unknown_rules_list_resolves_through_the_whole_property():
    sse = dataclasses.replace(AWS_SSE, props={"bucket": UNKNOWN_STRING, "rules": UNKNOWN_ARRAY})
    assert messages([AWS_KEY, AWS_BUCKET, sse]) == []


def test_alias_in_the_stack_is_followed_to_its_key():
    alias = Resource(
        "aws:kms/alias:Alias",
        "alias",
        {"name": "alias/x", "targetKeyId": UNKNOWN_STRING},
        EAST,
        property_dependencies={"targetKeyId": [AWS_KEY.resource_urn()]},
    )
    rds = Resource(
        "aws:rds/instance:Instance",
        "db",
        {"kmsKeyId": UNKNOWN_STRING, "tags": USER},
        EAST,
        property_dependencies={"kmsKeyId": [alias.resource_urn()]},
    )
    assert messages([AWS_KEY, alias, rds]) == []
    far_key = dataclasses.replace(AWS_KEY, provider=aws_provider("eu-west-1", name="eu"))
    assert len(messages([far_key, alias, rds])) == 1


def test_key_whose_region_cannot_be_determined():
    stack = replace(OCI_STACK, OCI_KEY, provider=oci_provider(None, name="nowhere"))
    [(_, message)] = messages(stack)
    assert "cannot be determined" in message


def test_only_user_data_stores_are_held_to_it():
    public = dataclasses.replace(AWS_BUCKET, props={"tags": {"data-classification": "public"}})
    assert messages([public]) == []
    unknown = dataclasses.replace(AWS_BUCKET, props={"tags": UNKNOWN_STRING})
    assert len(messages([unknown])) == 1


def test_exemption_applies_to_the_store_urn():
    config = {
        "residency-key-locality": {
            "exemptions": [
                {
                    "name": "backups",
                    "type": AWS_BUCKET.type,
                    "policy": "residency-key-locality",
                    "reason": "migration ticket 42",
                    "expires": (pack_config.today() + dt.timedelta(days=30)).isoformat(),
                }
            ]
        }
    }
    diags = analyze_stack(POLICY, [AWS_KEY, AWS_BUCKET], config, STACK_CONFIG)
    # Nothing enforced; what the exemption silenced is reported as advisory, naming it.
    assert diags and all(d.enforcement == "advisory" for d in diags)
    assert all("migration ticket 42" in d.message for d in diags)
    assert {d.urn.rsplit("::", 1)[-1] for d in diags} == {"backups"}


def test_store_key_paths_exist_in_the_sdk_schema():
    from ..flows.sdk_schema import input_paths

    for token, paths in STORE_KEY_PATHS.items():
        inputs = set(input_paths(token))
        for path in paths:
            assert ".".join(str(s) for s in path if s != "*") in inputs, (token, path)


def test_a_bucket_v2_encrypted_inline_has_its_key():
    inline = Resource(
        "aws:s3/bucketV2:BucketV2",
        "v2",
        {
            "tags": USER,
            "serverSideEncryptionConfigurations": [
                {
                    "rules": [
                        {
                            "applyServerSideEncryptionByDefaults": [
                                {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": EAST_KEY_ID}
                            ]
                        }
                    ]
                }
            ],
        },
        EAST,
    )
    assert messages([inline]) == []


# --- Ownership: a region is not an owner.
EAST_KEY_ID = "0d2c6d4e-5f1a-4b7e-9c1e-1234567890ab"


def rds_with_key(key, name="db"):
    return Resource("aws:rds/instance:Instance", name, {"kmsKeyId": key, "tags": USER}, EAST)


@pytest.mark.parametrize(
    "key",
    [
        f"arn:aws:kms:us-east-1:{FOREIGN_ACCOUNT}:key/{EAST_KEY_ID}",
        f"arn:aws:kms:us-east-1:{FOREIGN_ACCOUNT}:alias/shared",
        f"arn:aws:kms:us-east-1:{FOREIGN_ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab",
    ],
)
def test_a_key_of_another_account_in_an_allowed_region(key):
    [(name, message)] = messages([rds_with_key(key)])
    assert name == "db" and f"account {FOREIGN_ACCOUNT}" in message and "not trusted" in message


@pytest.mark.parametrize(
    "key",
    [
        f"arn:aws:kms:us-east-1:{OWN_ACCOUNT}:alias/app",
        f"arn:aws:kms:us-east-1:{OWN_ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab",
        "mrk-1234abcd12ab34cd56ef1234567890ab",
    ],
)
def test_own_keys_by_alias_arn_and_multi_region_id(key):
    assert messages([rds_with_key(key)]) == []


def test_trusted_accounts_come_from_the_policy_config_before_the_stack():
    key = f"arn:aws:kms:us-east-1:{FOREIGN_ACCOUNT}:key/{EAST_KEY_ID}"
    config = {"residency-key-locality": {"trustedAccountIds": [FOREIGN_ACCOUNT]}}
    assert messages([rds_with_key(key)], config) == []
    assert len(messages([rds_with_key(key)], stack_config={})) == 1  # nothing trusted


def test_an_oci_key_of_an_untrusted_realm():
    oci = dataclasses.replace(
        OCI_BUCKET, props={**OCI_BUCKET.props, "kmsKeyId": "ocid1.key.oc2.us-langley-1.abc.def"}
    )
    [(_, message)] = messages([oci])
    assert "realm `oc2`" in message


# --- External key stores: the key material is outside the cloud's key service.
def aws_key(**props):
    return Resource("aws:kms/key:Key", "xkey", {"tags": USER, **props}, EAST)


def rds_on(key, prop="kmsKeyId"):
    return Resource(
        "aws:rds/instance:Instance",
        "db",
        {prop: UNKNOWN_STRING, "tags": USER},
        EAST,
        property_dependencies={prop: [key.resource_urn()]},
    )


def custom_key_store(kind):
    props = {"customKeyStoreName": "ks"}
    if kind is not None:
        props["customKeyStoreType"] = kind
    return Resource("aws:kms/customKeyStore:CustomKeyStore", "ks", props, EAST)


def test_a_key_in_an_aws_external_key_store():
    key = aws_key(customKeyStoreId=UNKNOWN_STRING, xksKeyId="external-key-1")
    [(_, message)] = messages([key, rds_on(key)])
    assert "external key store" in message and "xksKeyId" in message


@pytest.mark.parametrize(
    ("kind", "violations"), [("EXTERNAL_KEY_STORE", 1), ("AWS_CLOUDHSM", 0), (None, 0)]
)
def test_a_key_in_a_custom_key_store_of_the_stack(kind, violations):
    store = custom_key_store(kind)
    key = Resource(
        "aws:kms/key:Key",
        "xkey",
        {"tags": USER, "customKeyStoreId": UNKNOWN_STRING},
        EAST,
        property_dependencies={"customKeyStoreId": [store.resource_urn()]},
    )
    found = messages([store, key, rds_on(key)])
    assert len(found) == violations
    if violations:
        assert "EXTERNAL_KEY_STORE" in found[0][1]


def test_a_key_in_a_custom_key_store_outside_the_stack_fails_closed():
    key = aws_key(customKeyStoreId="cks-1234567890abcdef0")
    [(_, message)] = messages([key, rds_on(key)])
    assert "cks-1234567890abcdef0" in message and "not declared in this stack" in message


def oci_key(**props):
    return Resource(
        "oci:Kms/key:Key", "okey", {"displayName": "k", "freeformTags": USER, **props}, PRIMARY
    )


def oci_bucket_on(key):
    return dataclasses.replace(OCI_BUCKET, property_dependencies={"kmsKeyId": [key.resource_urn()]})


@pytest.mark.parametrize(
    "props",
    [{"protectionMode": "EXTERNAL"}, {"externalKeyReference": {"externalKeyId": "k-1"}}],
)
def test_an_oci_external_kms_key(props):
    key = oci_key(**props)
    [(_, message)] = messages([key, oci_bucket_on(key)])
    assert "OCI External KMS" in message


@pytest.mark.parametrize(
    ("vault_type", "violations"), [("EXTERNAL", 1), ("DEFAULT", 0), ("VIRTUAL_PRIVATE", 0)]
)
def test_an_oci_key_in_an_external_vault(vault_type, violations):
    vault = Resource(
        "oci:Kms/vault:Vault", "vault", {"vaultType": vault_type, "freeformTags": USER}, PRIMARY
    )
    key = dataclasses.replace(
        oci_key(managementEndpoint=UNKNOWN_STRING),
        property_dependencies={"managementEndpoint": [vault.resource_urn()]},
    )
    assert len(messages([vault, key, oci_bucket_on(key)])) == violations


MRK = "mrk-1234abcd12ab34cd56ef1234567890ab"

# --- Multi-region keys: the key material is in every replica's region and the primary's.
SINGAPORE = aws_provider("ap-southeast-1", name="sg")


def test_a_store_on_a_primary_key_replicated_outside_the_allowed_regions():
    replica = Resource(
        "aws:kms/replicaKey:ReplicaKey",
        "sg-replica",
        {"primaryKeyArn": UNKNOWN_STRING, "tags": USER},
        SINGAPORE,
        property_dependencies={"primaryKeyArn": [AWS_KEY.resource_urn()]},
    )
    db = rds_on(AWS_KEY)
    assert messages([AWS_KEY, db]) == []
    [(_, message)] = messages([AWS_KEY, replica, db])
    assert "replica `sg-replica`" in message and "`ap-southeast-1`" in message


def test_a_store_on_a_local_replica_of_a_far_primary():
    far = dataclasses.replace(AWS_KEY, provider=aws_provider("eu-west-1", name="eu"))
    replica = Resource(
        "aws:kms/replicaKey:ReplicaKey",
        "east-replica",
        {"primaryKeyArn": UNKNOWN_STRING, "tags": USER},
        EAST,
        property_dependencies={"primaryKeyArn": [far.resource_urn()]},
    )
    found = messages([far, replica, rds_on(replica)])
    assert any("primary key `bkey`" in m and "`eu-west-1`" in m for _, m in found)
    literal = dataclasses.replace(
        replica,
        props={"primaryKeyArn": f"arn:aws:kms:eu-west-1:{OWN_ACCOUNT}:key/{MRK}"},
        property_dependencies={},
    )
    [(_, message)] = messages([literal, rds_on(literal)])
    assert "`eu-west-1`" in message


# --- Coverage: every data-bearing type that takes a key, at every key input its schema has.
def test_every_data_bearing_type_that_takes_a_key_has_its_keys_checked():
    from residency_pack.engine import type_catalog
    from residency_pack.rules.key_locality import COVERED_TYPES, is_key_field

    from ..flows.sdk_schema import input_paths

    taking = {
        t for t in type_catalog.data_bearing_types() if (e := type_catalog.entry(t)) and e.takes_key
    }
    assert taking <= COVERED_TYPES and len(taking - set(STORE_KEY_PATHS)) >= 56
    far_key = f"arn:aws:kms:eu-west-1:{OWN_ACCOUNT}:key/{EAST_KEY_ID}"
    stores = []
    for token in sorted(COVERED_TYPES):
        paths = [p for p in input_paths(token) if is_key_field(p.rsplit(".", 1)[-1])]
        props: dict = {}
        node = props
        *parents, leaf = paths[0].split(".")
        for step in parents:
            node = node.setdefault(step, {})
        node[leaf] = far_key
        tags = "freeformTags" if token.startswith("oci:") else "tags"
        props[tags] = USER
        provider = PRIMARY if token.startswith("oci:") else EAST
        stores.append(
            Resource(
                token, token.rsplit(":", 1)[-1].lower() + "-" + str(len(stores)), props, provider
            )
        )
    found = {name for name, message in messages(stores) if "`eu-west-1`" in message}
    missed = [s.type for s in stores if s.name not in found]
    assert not missed, missed


def test_a_store_outside_the_required_list_needs_no_key_but_its_key_is_checked():
    pool = Resource("aws:sagemaker/notebookInstance:NotebookInstance", "nb", {"tags": USER}, EAST)
    assert messages([pool]) == []
    far = dataclasses.replace(
        pool,
        props={**pool.props, "kmsKeyId": f"arn:aws:kms:eu-west-1:{OWN_ACCOUNT}:key/{EAST_KEY_ID}"},
    )
    assert len(messages([far])) == 1


def test_a_required_store_is_not_excused_by_another_key_input():
    # Performance Insights' key is not the storage key.
    rds = Resource(
        "aws:rds/instance:Instance",
        "db",
        {
            "performanceInsightsKmsKeyId": f"arn:aws:kms:us-east-1:{OWN_ACCOUNT}:key/{EAST_KEY_ID}",
            "tags": USER,
        },
        EAST,
    )
    [(_, message)] = messages([rds])
    assert "not encrypted with a customer-managed key" in message


def test_computed_key_outputs_are_not_read_as_unknown_keys():
    # The stack view carries outputs unknown; only an unknown the program set (it has a property
    # dependency) is a key reference.
    adb = Resource(
        "oci:Database/autonomousDatabase:AutonomousDatabase",
        "adb",
        {
            "kmsKeyId": "ocid1.key.oc1.iad.abc.def",
            "kmsKeyVersionId": UNKNOWN_STRING,
            "freeformTags": USER,
        },
        PRIMARY,
    )
    assert messages([adb]) == []


# --- Identity first: an encryption configuration naming another bucket covers nothing here.
def test_an_encryption_configuration_of_another_bucket_does_not_cover_this_one():
    named = dataclasses.replace(AWS_BUCKET, props={"bucket": "backups", "tags": USER})
    decoy = dataclasses.replace(AWS_SSE, props={**AWS_SSE.props, "bucket": "decoy-bucket"})
    [(name, message)] = messages([AWS_KEY, named, decoy])
    assert name == "backups" and "not encrypted" in message
    mine = dataclasses.replace(
        AWS_SSE,
        props={**AWS_SSE.props, "bucket": "backups"},
        property_dependencies={"rules": [AWS_KEY.resource_urn()]},
    )
    assert messages([AWS_KEY, named, mine]) == []


def test_an_elb_access_log_bucket_with_sse_s3_stays_fail_closed_and_says_how_to_waive_it():
    # ELB writes access logs only with SSE-S3; the pack keeps the bucket a violation (the bucket
    # policy cannot prove ELB is the only writer) and names the reviewed way out: an exemption.
    logs = dataclasses.replace(AWS_BUCKET, name="alb-logs")
    sse_s3 = dataclasses.replace(
        AWS_SSE,
        name="alb-logs-sse",
        props={
            "bucket": UNKNOWN_STRING,
            "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}],
        },
        property_dependencies={"bucket": [logs.resource_urn()]},
    )
    [(name, message)] = messages([logs, sse_s3])
    assert name == "alb-logs" and "not encrypted with a customer-managed key" in message
    assert "ELB writes access logs only with SSE-S3" in message and "exemption" in message
    exemption = {
        "urn": logs.resource_urn(),
        "policy": "residency-key-locality",
        "reason": "ALB access logs: SSE-S3 only (ELB User Guide)",
        "expires": (pack_config.today() + dt.timedelta(days=90)).isoformat(),
    }
    config = {"residency-key-locality": {"exemptions": [exemption]}}
    [note] = analyze_stack(POLICY, [logs, sse_s3], config, STACK_CONFIG)
    assert note.enforcement == "advisory" and "Exempted until" in note.message


def test_the_elb_waiver_hint_is_only_for_s3_buckets():
    no_key = dataclasses.replace(OCI_BUCKET, props={"name": "content", "freeformTags": USER})
    [(_, message)] = messages([no_key])
    assert "ELB" not in message
# --- Keys named inside a block or a list of the store's inputs.
IAD_KEY = "ocid1.key.oc1.iad.aaaaexample.bbbbexample"
FRA_KEY = "ocid1.key.oc1.eu-frankfurt-1.aaaaexample.bbbbexample"


def autonomous_database(key):
    block = {"autonomousDatabaseProvider": "OCI", "kmsKeyId": key, "vaultId": "ocid1.vault.oc1"}
    props = {"dbName": "users", "kmsKeyId": IAD_KEY, "encryptionKey": block, "freeformTags": USER}
    return Resource("oci:Database/autonomousDatabase:AutonomousDatabase", "adb", props, PRIMARY)


def test_a_key_inside_a_key_named_block_is_checked():
    assert messages([autonomous_database(IAD_KEY)]) == []
    [(name, message)] = messages([autonomous_database(FRA_KEY)])
    assert name == "adb" and "eu-frankfurt-1" in message


def test_every_key_of_a_list_of_keys_is_checked():
    far = f"arn:aws:kms:eu-west-1:{OWN_ACCOUNT}:key/{EAST_KEY_ID}"
    near = f"arn:aws:kms:us-east-1:{OWN_ACCOUNT}:key/{EAST_KEY_ID}"
    notebook = "aws:sagemaker/notebookInstance:NotebookInstance"  # needs no key, checks any
    store = Resource(notebook, "nb", {"kmsKeyIds": [near, near], "tags": USER}, EAST)
    assert messages([store]) == []
    far_store = dataclasses.replace(store, props={"kmsKeyIds": [near, far], "tags": USER})
    [(_, message)] = messages([far_store])
    assert "`eu-west-1`" in message


def test_an_oci_key_in_a_vault_with_an_external_key_manager():
    vault = Resource(
        "oci:Kms/vault:Vault", "vault",
        {"vaultType": "VIRTUAL_PRIVATE", "externalKeyManagerMetadata": {"externalVaultEndpointUrl":
         "https://ekm.example"}, "freeformTags": USER},
        PRIMARY,
    )  # fmt: skip
    key = dataclasses.replace(
        oci_key(managementEndpoint=UNKNOWN_STRING),
        property_dependencies={"managementEndpoint": [vault.resource_urn()]},
    )
    [(_, message)] = messages([vault, key, oci_bucket_on(key)])
    assert "external key manager (OCI External KMS)" in message


def replica_of(primary_arn=UNKNOWN_STRING, primary=None):
    return Resource(
        "aws:kms/replicaKey:ReplicaKey", "east-replica",
        {"primaryKeyArn": primary_arn, "tags": USER}, EAST,
        property_dependencies={"primaryKeyArn": [primary.resource_urn()]} if primary else {},
    )  # fmt: skip


def test_a_store_on_a_replica_of_a_near_primary_passes():
    near = dataclasses.replace(AWS_KEY, provider=aws_provider("us-east-1", name="east"))
    replica = replica_of(primary=near)
    assert messages([near, replica, rds_on(replica)]) == []
    literal = replica_of(f"arn:aws:kms:us-east-1:{OWN_ACCOUNT}:key/{MRK}")
    assert messages([literal, rds_on(literal)]) == []


def test_a_replica_whose_primary_cannot_be_placed_fails_closed():
    nowhere = dataclasses.replace(AWS_KEY, provider=aws_provider(None, name="nowhere"))
    replica = replica_of(primary=nowhere)
    found = messages([nowhere, replica, rds_on(replica)])
    assert any("the region of its key's primary `bkey` cannot be determined" in m for _, m in found)


@pytest.mark.parametrize(
    "key", ["alias/aws/rds", f"arn:aws:kms:us-east-1:{OWN_ACCOUNT}:alias/aws/rds"]
)
def test_an_aws_managed_key_is_not_customer_managed(key):
    [(_, message)] = messages([rds_with_key(key)])
    assert f"is the AWS-managed key `{key}`, not a customer-managed key" in message


@pytest.mark.parametrize(
    ("stack_config", "trusted"),
    [
        (STACK_CONFIG, OWN_ACCOUNT),
        ({"aws:allowedAccountIds": f'["222233334444", "{OWN_ACCOUNT}"]'},
         f"{OWN_ACCOUNT}, 222233334444"),
        ({}, "none"),
    ],
)  # fmt: skip
def test_a_key_of_an_untrusted_account_names_who_is_trusted(stack_config, trusted):
    key = f"arn:aws:kms:us-east-1:{FOREIGN_ACCOUNT}:key/{EAST_KEY_ID}"
    [(_, message)] = messages([rds_with_key(key)], stack_config=stack_config)
    assert f"is held by account {FOREIGN_ACCOUNT}, which is not trusted (trusted: {trusted})" in (
        message
    )


def test_a_violation_starts_with_the_policys_description():
    [(_, message)] = messages([rds_with_key(f"arn:aws:kms:eu-west-1:{OWN_ACCOUNT}:key/k")])
    assert message.startswith(
        "Every store of us-user-data is encrypted with a customer-managed key that lives in a "
        "region allowed for us-user-data, in a trusted account or realm, and in the cloud's own "
        "key service (no external key store).\n"
    )


def test_named_keys_reads_every_key_of_a_list_with_its_index():
    from residency_pack.rules.key_locality import named_keys

    keys = ["arn:aws:kms:us-east-1:1:key/a", UNKNOWN_STRING]
    bag = {"kmsKeyIds": keys, "other": {"kmsKeyId": "k"}, "rules": [{"sseKmsKeyId": "r"}]}
    assert list(named_keys(bag)) == [
        (("kmsKeyIds", 0), keys[0]), (("kmsKeyIds", 1), UNKNOWN_STRING),
        (("other", "kmsKeyId"), "k"), (("rules", 0, "sseKmsKeyId"), "r"),
    ]  # fmt: skip


def test_a_replica_whose_literal_primary_names_no_region_fails_closed():
    replica = replica_of(f"arn:aws:kms::{OWN_ACCOUNT}:key/{MRK}")
    [(_, message)] = messages([replica, rds_on(replica)])
    assert (
        f"the primary key 'arn:aws:kms::{OWN_ACCOUNT}:key/{MRK}' of its replica key "
        "`east-replica` names no region"
    ) in message
