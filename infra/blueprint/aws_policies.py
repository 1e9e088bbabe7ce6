"""IAM policy documents of the AWS side, built from the stack's own account list
(``aws:allowedAccountIds``) and never from literals."""

from __future__ import annotations

import json
from collections.abc import Sequence


def account_roots(partition: str, accounts: Sequence[str]) -> list[str]:
    return [f"arn:{partition}:iam::{account}:root" for account in accounts]


def key_policy(partition: str, accounts: Sequence[str]) -> str:
    """The KMS key policy: only the company's own accounts administer and use the key."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "OwnAccountsOnly",
                    "Effect": "Allow",
                    "Principal": {"AWS": account_roots(partition, accounts)},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
    )


def export_role_trust_policy(partition: str, accounts: Sequence[str]) -> str:
    """The backup export role may be assumed only from the company's own accounts."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "OwnAccountsOnly",
                    "Effect": "Allow",
                    "Principal": {"AWS": account_roots(partition, accounts)},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )


def backup_service_trust_policy(accounts: Sequence[str]) -> str:
    """AWS Backup may assume the role only on behalf of the company's own accounts (the
    confused-deputy guard: ``aws:SourceAccount``)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AwsBackupForOwnAccountsOnly",
                    "Effect": "Allow",
                    "Principal": {"Service": "backup.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"aws:SourceAccount": list(accounts)}},
                }
            ],
        }
    )


def export_role_policy(bucket_arn: str, key_arn: str) -> str:
    """What the export job may do: write backup objects, encrypt them with the backup key."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "WriteBackups",
                    "Effect": "Allow",
                    "Action": ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListBucket"],
                    "Resource": [bucket_arn, f"{bucket_arn}/*"],
                },
                {
                    "Sid": "EncryptWithBackupKey",
                    "Effect": "Allow",
                    "Action": ["kms:GenerateDataKey", "kms:Encrypt", "kms:DescribeKey"],
                    "Resource": key_arn,
                },
            ],
        }
    )


def tls_only_bucket_policy(bucket_arn: str) -> str:
    """Deny every request that does not use TLS (a Deny with a condition; it grants nothing)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [bucket_arn, f"{bucket_arn}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        }
    )
