"""Fixtures of the shell's tests: the collectors' vCenter simulator, for `parcimonie collect`."""

from tests.collectors.conftest import vcsim, vcsim_binary  # noqa: F401  (fixtures, shared)
