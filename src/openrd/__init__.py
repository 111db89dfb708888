"""openrd: a wire-compatible Alibaba Cloud Resource Directory service."""

__version__ = "0.1.0"
