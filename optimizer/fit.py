"""The tolerances every packing phase shares, so that they agree on what fits.

Sizes are compared in normalised units (capacity of the largest bin = 1 per dimension): 1 - 0.9 is
0.0999…, which must still hold 0.1, hence a slack of `FIT_TOL` on every fit test. `TOL` floors a
capacity that would otherwise divide by zero.
"""

__all__ = ["FIT_TOL", "TOL"]

FIT_TOL = 1e-12
TOL = 1e-9
