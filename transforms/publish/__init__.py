"""Publish: every publication of a period from the warehouse (DESIGN.md section 7), in the internal and public
profiles: the dataset CSV and its `.meta.csv`, the ARG pack, the offline HTML dashboard and the data-quality report.
"""

from transforms.publish.outputs import publish

__all__ = ["publish"]
