"""Feedback: what each agency reads about its own submission (DESIGN.md section 4).

The report (xlsx and its JSON twin) in `outbox/<agency>/`, the comparison with the submission it replaces, the
rule catalogue and the blank templates generated from the rules in `schemas/`, and the formula-injection defence
applied to every value written to a report.
"""

from transforms.feedback.neutralise import neutralise
from transforms.feedback.report import feedback_paths, report_content, rewrite_feedback, write_feedback
from transforms.feedback.rule_catalogue import render, rule_catalogue
from transforms.feedback.templates import write_templates

__all__ = ["feedback_paths", "neutralise", "render", "report_content", "rewrite_feedback", "rule_catalogue",
           "write_feedback", "write_templates"]
