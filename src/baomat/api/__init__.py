"""The HTTP API: `create_app(app)` in `baomat.api.app`, routes under `/v1`."""
