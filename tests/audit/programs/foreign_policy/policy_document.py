"""The bucket policy the program builds from its bucket's ARN: read access for a partner account
that is not one of the stack's accounts."""

import json

PARTNER_ACCOUNT = "999988887777"


def partner_read_policy(bucket_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PartnerRead",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{PARTNER_ACCOUNT}:root"},
                    "Action": ["s3:GetObject"],
                    "Resource": f"{bucket_arn}/*",
                }
            ],
        }
    )
