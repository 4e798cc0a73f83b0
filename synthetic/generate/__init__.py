"""Synthetic landing data for the pipeline: messy agency returns with injected errors and the ground truth.

`generate(out_dir, period, quarters, scale, seed)` is the one entry point (the `assure generate` command
calls it). See README.md in this folder for the layout of the files and of `_truth/`.
"""

from synthetic.generate.run import generate

__all__ = ["generate"]
