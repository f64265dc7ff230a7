"""Colours as people with deuteranopia or protanopia see them (Machado, Oliveira and Fernandes
2009, severity 1, applied in linear RGB), for the charts' palette tests."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

MATRICES = {
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
}


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _srgb(c: float) -> float:
    c = min(1.0, max(0.0, c))
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def _rgb(hex_color: str, opacity: float = 1.0) -> list[float]:
    """0..1 channels of the colour drawn at `opacity` over white."""
    return [opacity * int(hex_color[i : i + 2], 16) / 255 + (1 - opacity) for i in (1, 3, 5)]


def seen(hex_color: str, kind: str, opacity: float = 1.0) -> list[float]:
    lin = [_linear(c) for c in _rgb(hex_color, opacity)]
    return [_srgb(sum(m * v for m, v in zip(row, lin, strict=True))) for row in MATRICES[kind]]


def closest_pair(colors: Sequence[str], opacity: float = 1.0) -> float:
    """The smallest distance (0..255 RGB units) between two of `colors`, over both kinds."""
    return min(
        255
        * sum((a - b) ** 2 for a, b in zip(seen(x, k, opacity), seen(y, k, opacity), strict=True))
        ** 0.5
        for k in MATRICES
        for x, y in itertools.combinations(colors, 2)
    )
