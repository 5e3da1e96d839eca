"""The registers' vocabulary (report sections 二, 三, 四): each kind's keys and the Chinese label
that `register list` shows and that may be typed instead of a key. Pure data, so that the command
line can offer the choices without loading the database layer."""
from __future__ import annotations

import re

from publisher.texts import ledger as texts
from publisher.texts import report as labels

ACTIONS_BY_KIND = {
    "regulation": ("issued", "repealed"),
    "normative": ("issued", "repealed"),
    "licensing": ("decided",),
    "penalty": ("decided",),
    "enforcement": ("decided",),
    "fee": ("charged",),
}
APPLICANT_TYPES = tuple(k for k in labels.APPLICANT_COLUMNS if k != "total")
OUTCOMES = tuple(key for _, rows in labels.OUTCOME_GROUPS for key, _ in rows)
CASE_KINDS = tuple(labels.CASE_KINDS)
CASE_RESULTS = ("upheld", "corrected", "other")
OPENING_KEYS = ("in_force:regulation", "in_force:normative") + tuple(f"carried_in:{t}" for t in APPLICANT_TYPES)
# Each key's Chinese label, as `register list` shows it and as it may be typed instead of the key.
KIND_LABELS = dict(labels.ARTICLE20_KINDS)
ACTION_LABELS = dict(texts.ARTICLE20_ACTIONS)
APPLICANT_LABELS = {key: labels.APPLICANT_COLUMNS[key] for key in APPLICANT_TYPES}
# "（一）予以公开" and "1.属于国家秘密" are row labels; the outcome is the words after the
# number, without a row's remark in brackets.
OUTCOME_LABELS = {key: re.sub(r"^(（.）|\d+\.)|（[^）]*）$", "", label)
                  for _, rows in labels.OUTCOME_GROUPS for key, label in rows}
CASE_KIND_LABELS = dict(labels.CASE_KINDS)
CASE_RESULT_LABELS = {key: labels.CASE_RESULTS[key] for key in CASE_RESULTS}
OPENING_LABELS = {key: texts.OPENING_NAMES[group] + "·" + {**KIND_LABELS, **APPLICANT_LABELS}[item]
                  for key in OPENING_KEYS for group, item in [key.split(":")]}
