"""Hypothesis budgets for the fuzz tests.

``ci`` (the default): about 60 examples a test, derandomized so that every run tries the same
inputs and a red CI run is reproducible. ``deep``: 2,000 examples a test from a fresh seed,
for a night's run: ``KAMDESK_FUZZ=deep pytest tests/fuzz``.

The profiles are applied to the fuzz tests only (each test is decorated with :data:`FUZZ`), so
loading this folder never changes the settings of the rest of the suite.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

_SUPPRESSED = [
    HealthCheck.too_slow,
    HealthCheck.function_scoped_fixture,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
]

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=_SUPPRESSED,
)
settings.register_profile(
    "deep",
    max_examples=2000,
    deadline=None,
    suppress_health_check=_SUPPRESSED,
)

# ``explore``: the ci budget without shrinking, to see quickly what fails (not for CI).
settings.register_profile(
    "explore",
    parent=settings.get_profile("ci"),
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    report_multiple_bugs=True,
)

_CHOSEN = os.environ.get("KAMDESK_FUZZ", "").strip().lower()
PROFILE = _CHOSEN if _CHOSEN in ("deep", "explore") else "ci"
FUZZ = settings.get_profile(PROFILE)


def budget(max_examples: int) -> settings:
    """The selected profile with a smaller number of examples (for slow paths such as PDF);
    the deep profile gets ten times as many."""
    scale = 10 if PROFILE == "deep" else 1
    return settings(FUZZ, max_examples=max_examples * scale)
