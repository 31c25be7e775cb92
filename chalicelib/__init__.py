"""Track My Crime's code, packaged by feature around a core (docs/architecture.md).

`core` holds the domain and its rules and imports nothing of AWS; the features
(`victims`, `officers`, `notify`, `retention`) use core; `storage` implements
core's ports over DynamoDB; `web` maps HTTP; `bootstrap` wires them together.
"""
