"""Shipped gazetteer of countries, regions, districts and towns, and its lookup API."""

from __future__ import annotations

from toolkit.gazetteer.lookup import Gazetteer, Place
from toolkit.gazetteer.normalise import normalise

__all__ = ["Gazetteer", "Place", "normalise"]
