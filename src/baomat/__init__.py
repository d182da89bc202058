"""baomat: personal-data protection for websites under Vietnamese law."""

__version__ = "0.1.0"
