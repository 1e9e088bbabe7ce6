"""Code AWS itself publishes from accounts of its own: a reviewed list.

A Lambda layer version, a container image or a machine image is code that runs next to the data
of the resource that pulls it. Its owner is judged like the owner of any other place
(``residency-named-places``): code from an account outside the trusted accounts is code a
foreign party controls. AWS publishes some Lambda extensions as layers from accounts of its own,
one or more per region, that no ARN marks as AWS's (``arn:aws:lambda:us-east-1:177933569100:
layer:AWS-Parameters-and-Secrets-Lambda-Extension:12``). They are listed here, each by the pair
(account, layer-name prefix), never by account alone, with the source the pair was read from.

Sources (read 2026-11-30):

* ``CDK``: aws-cdk-lib ``region-info/build-tools/fact-tables.ts``
  (``PARAMS_AND_SECRETS_LAMBDA_LAYER_ARNS``, ``ADOT_LAMBDA_LAYER_*_ARNS``), maintained by AWS
  from the AWS documentation pages below;
* ``P&S``: https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html
  (AWS Parameters and Secrets Lambda Extension ARNs);
* ``ADOT``: https://aws-otel.github.io/docs/getting-started/lambda (AWS Distro for
  OpenTelemetry, account 901920570463 in every region);
* ``INSIGHTS``: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Lambda-Insights-extension-versionsx86-64.html
  (CloudWatch Lambda Insights, account 580247275435);
* ``APPCONFIG``: https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-integration-lambda-extensions-versions.html

Only the regions the pack's default table allows for some classification (US commercial regions
and ap-southeast-1) are listed; a layer in any other region fails on its region anyway. Adding a
pair needs its source; a partner's or a vendor's layer (Datadog, New Relic, ...) is not AWS's and
is not listed: declare it in ``declaredPlaces`` after review instead.
"""

from __future__ import annotations

import re
from typing import Final

# (account, layer-name prefix) -> the publisher and the source of the pair.
AWS_PUBLISHED_LAYERS: Final[dict[tuple[str, str], str]] = {
    # AWS Parameters and Secrets Lambda Extension (x86_64 and -Arm64), one account per region.
    ("177933569100", "AWS-Parameters-and-Secrets-Lambda-Extension"): "AWS, us-east-1 (CDK, P&S)",
    ("590474943231", "AWS-Parameters-and-Secrets-Lambda-Extension"): "AWS, us-east-2 (CDK, P&S)",
    ("997803712105", "AWS-Parameters-and-Secrets-Lambda-Extension"): "AWS, us-west-1 (CDK, P&S)",
    ("345057560386", "AWS-Parameters-and-Secrets-Lambda-Extension"): "AWS, us-west-2 (CDK, P&S)",
    ("044395824272", "AWS-Parameters-and-Secrets-Lambda-Extension"): (
        "AWS, ap-southeast-1 (CDK, P&S)"
    ),
    # AWS Distro for OpenTelemetry: one account in every region.
    ("901920570463", "aws-otel-"): "AWS Distro for OpenTelemetry (CDK, ADOT)",
    # CloudWatch Lambda Insights: one account in the commercial regions.
    ("580247275435", "LambdaInsightsExtension"): "AWS CloudWatch Lambda Insights (INSIGHTS)",
    # AWS AppConfig Lambda extension.
    ("027255383542", "AWS-AppConfig-Extension"): "AWS AppConfig, us-east-1 (APPCONFIG)",
    ("728743619870", "AWS-AppConfig-Extension"): "AWS AppConfig, us-east-2 (APPCONFIG)",
}

_LAYER_ARN: Final = re.compile(
    r"^arn:aws:lambda:[a-z0-9-]+:(?P<account>\d{12}):layer:(?P<name>[A-Za-z0-9_-]+)(?::\d+)?$"
)


def aws_published_layer(value: str) -> str | None:
    """The reviewed publisher of a Lambda layer ARN that AWS itself publishes, else None."""
    match = _LAYER_ARN.match(value.strip())
    if match is None:
        return None
    account, name = match.group("account"), match.group("name")
    for (publisher, prefix), source in AWS_PUBLISHED_LAYERS.items():
        if account == publisher and name.startswith(prefix):
            return source
    return None
