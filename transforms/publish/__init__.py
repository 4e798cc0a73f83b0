"""Publish: every publication of a period from the warehouse (DESIGN.md section 7). The internal profile on every run
(`publish`: the dataset CSV and its `.meta.csv`, the ARG pack, the offline HTML dashboard and the data-quality
report); the public profile only once an analyst approved the quarter (`release`, recorded in `ops_release`).
"""

from transforms.publish.outputs import APPROVED, REJECTED, ReleaseRefused, publish, release, releases

__all__ = ["APPROVED", "publish", "REJECTED", "release", "ReleaseRefused", "releases"]
