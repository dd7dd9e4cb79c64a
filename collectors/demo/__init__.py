"""The demo estate: a deterministic, plausible authority estate loaded through the collectors' path."""

from collectors.demo.estate import DEMO_SOURCE, generate_demo_estate

__all__ = ["DEMO_SOURCE", "generate_demo_estate"]
