"""Local tooling (never deployed): the local runner, the CLI, DynamoDB Local."""
