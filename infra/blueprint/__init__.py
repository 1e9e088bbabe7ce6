"""The residency blueprint: US user data on OCI US regions, backups in AWS us-east-1."""
