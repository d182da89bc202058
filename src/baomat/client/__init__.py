"""A thin Python client for baomat's HTTP API; it needs only httpx.

    from baomat.client import ApiError, Client

    with Client("http://127.0.0.1:8000", "bm_...") as api:
        subject_id = api.create_subject("member", {"full_name": "An", "email": "an@example.vn"})
        api.update_subject_scanned(subject_id, {"review": "Gọi 0912 345 678"}).pii_found
        # → {"review": PiiInField(handling="flag", counts={"phone": 1})}
        api.read_subject(subject_id, "service", ["email"])  # → {"email": "an@example.vn"}
        api.erase_subject(subject_id)

An error answer raises `ApiError` with its status, code, and for bad input the
field and the rule it breaks.
"""

from baomat.client._client import ApiError, Client
from baomat.client._stored import PiiInField, Stored

__all__ = ["ApiError", "Client", "PiiInField", "Stored"]
