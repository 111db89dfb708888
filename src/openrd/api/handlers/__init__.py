"""Typed request → service call → wire dict, one module per area; each exports its registry ``ROWS``."""
