"""A choice typed as its key or as its Chinese label: `register application 自然人` is
`register application natural`. The command always receives the key."""
from __future__ import annotations

from collections.abc import Mapping

import click

from publisher.texts import ledger as texts


class LabelledChoice(click.Choice):
    def __init__(self, labels: Mapping[str, str]):
        self.labels = dict(labels)
        super().__init__(list(self.labels))

    def convert(self, value, param, ctx):
        by_label = {label: key for key, label in self.labels.items()}
        key = by_label.get(value, value)
        if key in self.labels:
            return key
        self.fail(texts.CHOICE_UNKNOWN.format(value=value, choices=self._shown("、")), param, ctx)

    def _shown(self, separator: str) -> str:
        return separator.join(texts.CHOICE_SHOWN.format(key=k, label=v) for k, v in self.labels.items())
