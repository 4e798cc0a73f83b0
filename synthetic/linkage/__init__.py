"""Labelled person records for the matching model: generation, training and pairwise accuracy."""
