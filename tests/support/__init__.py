"""Helpers shared by the test folders: servers, stores, and the worlds tests seed through the control API."""
