"""``aws:iam/getPolicyDocument`` rendered offline against the provider's documented output.

Expected documents are copied from the terraform-provider-aws documentation
(website/docs/d/iam_policy_document.html.markdown, "will evaluate to:") and its acceptance tests
(internal/service/iam/policy_document_data_source_test.go). Both still show ``"Sid": ""`` for
statements without a Sid; provider v5.0.0 stopped emitting it (CHANGELOG: "data-source/
aws_iam_policy_document: Don't add empty `statement.sid` values to `json` attribute value
(#28539)"), and pulumi-aws v7 bridges provider v6, so :func:`current` drops those lines.
"""

from __future__ import annotations

import json
import zlib

import pytest

from preflight.invokes import InvalidInvokeArgumentsError
from preflight.invokes.aws_iam_policy_document import answer


def current(documented: str) -> str:
    """The documented output as provider v5+ renders it: no empty Sid."""
    return "\n".join(line for line in documented.splitlines() if line.strip() != '"Sid": "",')


def rendered(**args: object) -> str:
    return str(answer(args)["json"])


# -- documented examples ----------------------------------------------------------------------


def test_multiple_condition_keys_example_conditions_grouped_and_actions_reverse_sorted() -> None:
    # docs: "Example Multiple Condition Keys"
    documented = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "",
      "Effect": "Allow",
      "Action": [
        "kms:GenerateDataKey",
        "kms:Decrypt"
      ],
      "Resource": "*",
      "Condition": {
        "ForAnyValue:StringEquals": {
          "kms:EncryptionContext:aws:pi:service": "rds",
          "kms:EncryptionContext:service": "pi"
        }
      }
    }
  ]
}"""
    assert rendered(
        statements=[
            {
                "actions": ["kms:Decrypt", "kms:GenerateDataKey"],
                "resources": ["*"],
                "conditions": [
                    {
                        "test": "ForAnyValue:StringEquals",
                        "variable": "kms:EncryptionContext:service",
                        "values": ["pi"],
                    },
                    {
                        "test": "ForAnyValue:StringEquals",
                        "variable": "kms:EncryptionContext:aws:pi:service",
                        "values": ["rds"],
                    },
                ],
            }
        ]
    ) == current(documented)


def test_provider_basic_example_not_principals_not_actions_variables_and_wildcard_principals() -> (
    None
):
    # acceptance test TestAccIAMPolicyDocumentDataSource_basic (partition "aws")
    documented = """{
  "Version": "2012-10-17",
  "Id": "policy_id",
  "Statement": [
    {
      "Sid": "1",
      "Effect": "Allow",
      "Action": [
        "s3:ListAllMyBuckets",
        "s3:GetBucketLocation"
      ],
      "Resource": "arn:aws:s3:::*"
    },
    {
      "Sid": "",
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::foo",
      "NotPrincipal": {
        "AWS": "arn:blahblah:example"
      },
      "Condition": {
        "StringLike": {
          "s3:prefix": [
            "home/",
            "",
            "home/${aws:username}/"
          ]
        }
      }
    },
    {
      "Sid": "",
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": [
        "arn:aws:s3:::foo/home/${aws:username}/*",
        "arn:aws:s3:::foo/home/${aws:username}"
      ],
      "Principal": {
        "AWS": "arn:blahblah:example"
      }
    },
    {
      "Sid": "",
      "Effect": "Deny",
      "NotAction": "s3:*",
      "NotResource": "arn:aws:s3:::*"
    },
    {
      "Sid": "",
      "Effect": "Allow",
      "Action": "kinesis:*",
      "Principal": {
        "AWS": "*"
      }
    },
    {
      "Sid": "",
      "Effect": "Allow",
      "Action": "firehose:*",
      "Principal": "*"
    }
  ]
}"""
    assert rendered(
        policyId="policy_id",
        statements=[
            {
                "sid": "1",
                "actions": ["s3:ListAllMyBuckets", "s3:GetBucketLocation"],
                "resources": ["arn:aws:s3:::*"],
            },
            {
                "actions": ["s3:ListBucket"],
                "resources": ["arn:aws:s3:::foo"],
                "conditions": [
                    {
                        "test": "StringLike",
                        "variable": "s3:prefix",
                        "values": ["home/", "", "home/&{aws:username}/"],
                    }
                ],
                "notPrincipals": [{"type": "AWS", "identifiers": ["arn:blahblah:example"]}],
            },
            {
                "actions": ["s3:*"],
                "resources": [
                    "arn:aws:s3:::foo/home/&{aws:username}",
                    "arn:aws:s3:::foo/home/&{aws:username}/*",
                ],
                "principals": [{"type": "AWS", "identifiers": ["arn:blahblah:example"]}],
            },
            {"effect": "Deny", "notActions": ["s3:*"], "notResources": ["arn:aws:s3:::*"]},
            {
                "effect": "Allow",
                "actions": ["kinesis:*"],
                "principals": [{"type": "AWS", "identifiers": ["*"]}],
            },
            {
                "effect": "Allow",
                "actions": ["firehose:*"],
                "principals": [{"type": "*", "identifiers": ["*"]}],
            },
        ],
    ) == current(documented)


def test_provider_single_condition_value_example() -> None:
    # acceptance test TestAccIAMPolicyDocumentDataSource_singleConditionValue
    documented = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "",
      "Effect": "Deny",
      "Action": "elasticfilesystem:*",
      "Resource": "*",
      "Principal": {
        "AWS": "*"
      },
      "Condition": {
        "Bool": {
          "aws:SecureTransport": "false"
        }
      }
    }
  ]
}"""
    assert rendered(
        statements=[
            {
                "effect": "Deny",
                "principals": [{"type": "AWS", "identifiers": ["*"]}],
                "actions": ["elasticfilesystem:*"],
                "resources": ["*"],
                "conditions": [
                    {"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}
                ],
            }
        ]
    ) == current(documented)


SOURCE = {
    "statements": [
        {"actions": ["ec2:*"], "resources": ["*"]},
        {"sid": "SidToOverride", "actions": ["s3:*"], "resources": ["*"]},
    ]
}


def test_source_document_example_statement_replaces_source_statement_with_its_sid() -> None:
    # docs: "Example Using A Source Document"
    documented = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "",
      "Effect": "Allow",
      "Action": "ec2:*",
      "Resource": "*"
    },
    {
      "Sid": "SidToOverride",
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": [
        "arn:aws:s3:::somebucket/*",
        "arn:aws:s3:::somebucket"
      ]
    }
  ]
}"""
    source = rendered(**SOURCE)
    assert rendered(
        sourcePolicyDocuments=[source],
        statements=[
            {
                "sid": "SidToOverride",
                "actions": ["s3:*"],
                "resources": ["arn:aws:s3:::somebucket", "arn:aws:s3:::somebucket/*"],
            }
        ],
    ) == current(documented)


def test_override_document_example_override_replaces_statement_with_its_sid() -> None:
    # docs: "Example Using An Override Document"
    documented = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "",
      "Effect": "Allow",
      "Action": "ec2:*",
      "Resource": "*"
    },
    {
      "Sid": "SidToOverride",
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": "*"
    }
  ]
}"""
    override = rendered(
        statements=[{"sid": "SidToOverride", "actions": ["s3:*"], "resources": ["*"]}]
    )
    assert rendered(
        overridePolicyDocuments=[override],
        statements=[
            {"actions": ["ec2:*"], "resources": ["*"]},
            {
                "sid": "SidToOverride",
                "actions": ["s3:*"],
                "resources": ["arn:aws:s3:::somebucket", "arn:aws:s3:::somebucket/*"],
            },
        ],
    ) == current(documented)


def test_source_and_override_example() -> None:
    # docs: "Example with Both Source and Override Documents"
    documented = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "OverridePlaceholder",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "*"
    }
  ]
}"""
    source = rendered(
        statements=[
            {
                "sid": "OverridePlaceholder",
                "actions": ["ec2:DescribeAccountAttributes"],
                "resources": ["*"],
            }
        ]
    )
    override = rendered(
        statements=[{"sid": "OverridePlaceholder", "actions": ["s3:GetObject"], "resources": ["*"]}]
    )
    assert rendered(sourcePolicyDocuments=[source], overridePolicyDocuments=[override]) == current(
        documented
    )


def test_merging_source_documents_example_keeps_every_statement_in_order() -> None:
    # docs: "Example of Merging Source Documents"
    documented = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "",
      "Effect": "Allow",
      "Action": "ec2:*",
      "Resource": "*"
    },
    {
      "Sid": "UniqueSidOne",
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": "*"
    },
    {
      "Sid": "UniqueSidTwo",
      "Effect": "Allow",
      "Action": "iam:*",
      "Resource": "*"
    },
    {
      "Sid": "",
      "Effect": "Allow",
      "Action": "lambda:*",
      "Resource": "*"
    }
  ]
}"""
    one = rendered(
        statements=[
            {"actions": ["ec2:*"], "resources": ["*"]},
            {"sid": "UniqueSidOne", "actions": ["s3:*"], "resources": ["*"]},
        ]
    )
    two = rendered(
        statements=[
            {"sid": "UniqueSidTwo", "actions": ["iam:*"], "resources": ["*"]},
            {"actions": ["lambda:*"], "resources": ["*"]},
        ]
    )
    assert rendered(sourcePolicyDocuments=[one, two]) == current(documented)


def test_merging_override_documents_example_later_documents_win() -> None:
    # docs: "Example of Merging Override Documents". The documented text has two typos against
    # its own configuration (Sids "OverridePlaceholderTwo/One" for "OverridePlaceHolder...", and
    # a trailing comma); the statement order and contents below are the documented ones.
    expected = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OverridePlaceHolderTwo",
                "Effect": "Allow",
                "Action": "iam:*",
                "Resource": "*",
            },
            {
                "Sid": "OverridePlaceHolderOne",
                "Effect": "Deny",
                "Action": "logs:*",
                "Resource": "*",
            },
            {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"},
        ],
    }
    one = rendered(
        statements=[
            {
                "sid": "OverridePlaceHolderOne",
                "effect": "Allow",
                "actions": ["s3:*"],
                "resources": ["*"],
            }
        ]
    )
    two = rendered(
        statements=[
            {"effect": "Allow", "actions": ["ec2:*"], "resources": ["*"]},
            {
                "sid": "OverridePlaceHolderTwo",
                "effect": "Allow",
                "actions": ["iam:*"],
                "resources": ["*"],
            },
        ]
    )
    three = rendered(
        statements=[
            {
                "sid": "OverridePlaceHolderOne",
                "effect": "Deny",
                "actions": ["logs:*"],
                "resources": ["*"],
            }
        ]
    )
    document = rendered(
        overridePolicyDocuments=[one, two, three],
        statements=[
            {
                "sid": "OverridePlaceHolderTwo",
                "effect": "Deny",
                "actions": ["*"],
                "resources": ["*"],
            }
        ],
    )
    assert json.loads(document) == expected
    assert document == json.dumps(expected, indent=2)


def test_provider_source_list_and_override_list_examples() -> None:
    # acceptance tests TestAccIAMPolicyDocumentDataSource_sourceList / _overrideList
    policy_a = rendered(
        statements=[
            {"sid": "", "effect": "Allow", "actions": ["foo:ActionOne"]},
            {"sid": "validSidOne", "effect": "Allow", "actions": ["bar:ActionOne"]},
        ]
    )
    policy_b = rendered(
        statements=[{"sid": "validSidTwo", "effect": "Deny", "actions": ["foo:ActionTwo"]}]
    )
    policy_c = rendered(statements=[{"sid": "", "effect": "Allow", "actions": ["bar:ActionTwo"]}])
    source_list = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "",
      "Effect": "Allow",
      "Action": "foo:ActionOne"
    },
    {
      "Sid": "validSidOne",
      "Effect": "Allow",
      "Action": "bar:ActionOne"
    },
    {
      "Sid": "validSidTwo",
      "Effect": "Deny",
      "Action": "foo:ActionTwo"
    },
    {
      "Sid": "",
      "Effect": "Allow",
      "Action": "bar:ActionTwo"
    }
  ]
}"""
    assert rendered(
        version="2012-10-17", sourcePolicyDocuments=[policy_a, policy_b, policy_c]
    ) == current(source_list)

    override_c = rendered(
        statements=[{"sid": "overrideSid", "effect": "Deny", "actions": ["bar:ActionOne"]}]
    )
    override_a = rendered(
        statements=[
            {"sid": "", "effect": "Allow", "actions": ["foo:ActionOne"]},
            {"sid": "overrideSid", "effect": "Allow", "actions": ["bar:ActionOne"]},
        ]
    )
    override_b = rendered(
        statements=[{"sid": "validSid", "effect": "Deny", "actions": ["foo:ActionTwo"]}]
    )
    override_list = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "",
      "Effect": "Allow",
      "Action": "foo:ActionOne"
    },
    {
      "Sid": "overrideSid",
      "Effect": "Deny",
      "Action": "bar:ActionOne"
    },
    {
      "Sid": "validSid",
      "Effect": "Deny",
      "Action": "foo:ActionTwo"
    }
  ]
}"""
    assert rendered(
        version="2012-10-17", overridePolicyDocuments=[override_a, override_b, override_c]
    ) == current(override_list)


# -- provider rules without a documented rendering --------------------------------------------


def test_principals_of_every_type_grouped_by_type_in_key_order() -> None:
    # The docs' "Assume-Role Policy with Multiple Principals" configuration (no rendering is
    # documented): Go marshals the type map with sorted keys, each block's identifiers reverse-
    # sorted and a single identifier as a string.
    document = json.loads(
        rendered(
            statements=[
                {
                    "actions": ["sts:AssumeRole"],
                    "principals": [
                        {"type": "Service", "identifiers": ["firehose.amazonaws.com"]},
                        {"type": "AWS", "identifiers": ["arn:aws:iam::111122223333:role/trusted"]},
                        {
                            "type": "Federated",
                            "identifiers": [
                                "arn:aws:iam::111122223333:saml-provider/corp",
                                "cognito-identity.amazonaws.com",
                            ],
                        },
                        {
                            "type": "CanonicalUser",
                            "identifiers": ["79a59df900b949e55d96a1e698fbaced"],
                        },
                    ],
                }
            ]
        )
    )
    principal = document["Statement"][0]["Principal"]
    assert list(principal) == ["AWS", "CanonicalUser", "Federated", "Service"]
    assert principal == {
        "AWS": "arn:aws:iam::111122223333:role/trusted",
        "CanonicalUser": "79a59df900b949e55d96a1e698fbaced",
        "Federated": [
            "cognito-identity.amazonaws.com",
            "arn:aws:iam::111122223333:saml-provider/corp",
        ],
        "Service": "firehose.amazonaws.com",
    }


def test_source_document_principal_lists_are_reverse_sorted_and_string_principal_is_wildcard() -> (
    None
):
    source = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["b:Two", "a:One"],
                    "Principal": {"AWS": ["1", "3", "2"]},
                },
                {
                    "Effect": "Deny",
                    "Action": "s3:*",
                    "Principal": "*",
                    "Condition": {"Bool": {"aws:SecureTransport": False}},
                },
            ],
        }
    )
    document = json.loads(rendered(sourcePolicyDocuments=[source]))
    first, second = document["Statement"]
    assert first["Action"] == ["b:Two", "a:One"]  # a source's Action keeps its own order
    assert first["Principal"] == {"AWS": ["3", "2", "1"]}
    assert second["Principal"] == "*"
    assert second["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_version_upgrades_to_the_newest_of_the_merged_documents() -> None:
    old = rendered(version="2008-10-17", statements=[{"actions": ["ec2:*"], "resources": ["*"]}])
    assert json.loads(old)["Version"] == "2008-10-17"
    assert (
        json.loads(rendered(version="2008-10-17", overridePolicyDocuments=[rendered()]))["Version"]
        == "2012-10-17"
    )


def test_outputs_id_is_crc32_of_json_and_minified_json_is_compact() -> None:
    result = answer({"statements": [{"actions": ["s3:GetObject"], "resources": ["*"]}]})
    assert result["id"] == str(zlib.crc32(result["json"].encode()))
    assert result["minifiedJson"] == (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",'
        '"Resource":"*"}]}'
    )


def test_html_characters_are_escaped_as_go_escapes_them() -> None:
    text = rendered(
        statements=[
            {
                "actions": ["s3:GetObject"],
                "resources": ["*"],
                "conditions": [
                    {"test": "StringLike", "variable": "s3:prefix", "values": ["a&b<c>"]}
                ],
            }
        ]
    )
    assert '"s3:prefix": "a\\u0026b\\u003cc\\u003e"' in text
    assert json.loads(text)["Statement"][0]["Condition"]["StringLike"]["s3:prefix"] == "a&b<c>"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (
            {"statements": [{"sid": "1", "actions": ["a:B"]}, {"sid": "1", "actions": ["c:D"]}]},
            "duplicate Sid (1)",
        ),
        (
            {
                "sourcePolicyDocuments": [
                    json.dumps({"Statement": [{"Sid": "X", "Effect": "Allow", "Action": "a:B"}]}),
                    json.dumps({"Statement": [{"Sid": "X", "Effect": "Allow", "Action": "c:D"}]}),
                ]
            },
            "duplicate Sid (X) in sourcePolicyDocuments",
        ),
        (
            {
                "version": "2008-10-17",
                "statements": [{"actions": ["*"], "resources": ["arn:aws:s3:::b/&{aws:username}"]}],
            },
            "not supported in document version 2008-10-17",
        ),
        ({"statements": [{"sid": "not-alnum", "actions": ["a:B"]}]}, "alphanumeric"),
        ({"statements": [{"effect": "Maybe", "actions": ["a:B"]}]}, "Allow or Deny"),
        ({"sourcePolicyDocuments": ["{not json"]}, "source document 0 is not valid JSON"),
    ],
)
def test_arguments_the_provider_rejects_are_rejected(args: dict, fragment: str) -> None:
    with pytest.raises(InvalidInvokeArgumentsError, match=None) as raised:
        answer(args)
    assert fragment in raised.value.message


# -- principal blocks of one type merge in the provider's schema-set order ---------------------


def _principal_blocks(partition: str, groups: list[list[str]]) -> dict:
    return {
        "statements": [
            {
                "sid": "StatementPrincipalIdentifiersStringAndSlice",
                "actions": ["*"],
                "resources": ["*"],
                "principals": [
                    {"type": "AWS", "identifiers": [f"arn:{partition}:iam::{n}:root" for n in g]}
                    for g in groups
                ],
            }
        ]
    }


def _expected_principals(partition: str, order: list[str]) -> str:
    identifiers = ",\n".join(f'          "arn:{partition}:iam::{n}:root"' for n in order)
    return f"""{{
  "Version": "2012-10-17",
  "Statement": [
    {{
      "Sid": "StatementPrincipalIdentifiersStringAndSlice",
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*",
      "Principal": {{
        "AWS": [
{identifiers}
        ]
      }}
    }}
  ]
}}"""


def test_provider_principal_identifiers_string_and_slice_example() -> None:
    # acceptance test TestAccIAMPolicyDocumentDataSource_
    # StatementPrincipalIdentifiers_stringAndSlice
    args = _principal_blocks("aws", [["111111111111"], ["222222222222", "333333333333"]])
    assert rendered(**args) == _expected_principals(
        "aws", ["111111111111", "333333333333", "222222222222"]
    )


@pytest.mark.parametrize(
    ("partition", "order"),
    [
        # ..._multiplePrincipals: 333, 444, 222, 111
        ("aws", ["333333333333", "444444444444", "222222222222", "111111111111"]),
        # ..._multiplePrincipalsGov: the set hash differs with the partition in the ARNs
        ("aws-us-gov", ["333333333333", "222222222222", "111111111111", "444444444444"]),
    ],
)
def test_provider_multiple_principals_examples_follow_the_set_hash(
    partition: str, order: list[str]
) -> None:
    groups = [["111111111111", "222222222222"], ["333333333333"], ["444444444444"]]
    assert rendered(**_principal_blocks(partition, groups)) == _expected_principals(
        partition, order
    )
