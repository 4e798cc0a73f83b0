"""Synthetic data for development and the demo, never part of the product: the landing-folder generator
(`assure generate`) and the linkage model's training data, training and accuracy tools (`assure link-train`).
"""
