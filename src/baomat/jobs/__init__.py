"""Background jobs: named use cases run on a schedule, once each, in `serve` or by workers."""
