"""The workshop's tooling: checkpoints, the solutions' CI check and the break-it drills."""
