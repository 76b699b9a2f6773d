"""The ground floor: errors, records, schema, policy, time, money, problems.

Imports nothing of ours."""
