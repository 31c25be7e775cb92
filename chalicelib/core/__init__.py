"""The centre: domain types and rules, errors, ports (Protocols), tokens,
passwords, validation, audit and throttling. Imports nothing outside `core`,
and no Chalice, boto3, botocore or pynamodb (`make lint` checks)."""
