"""Entry point of the Pulumi program (Pulumi.yaml: ``main: infra/``)."""

from blueprint.stack import main

main()
