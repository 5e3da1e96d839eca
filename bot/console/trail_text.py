"""An audit entry's detail as a sentence staff read: Chinese field names and values
(状态：草稿 → 待审核, 事由：旧 → 新), times in 北京时间, ids the audit keeps for itself left out."""
from __future__ import annotations

from datetime import datetime, tzinfo

from publisher import lifecycle
from publisher.texts import console as texts
from publisher.texts import ledger as ledger_texts
from publisher.texts import report as report_texts
from publisher.texts import staff as staff_texts

# Kept in the audit for joins and for the record, not for reading.
HIDDEN = frozenset({"account_id", "created_by", "post_id", "image_id", "staff_id", "cancelled_codes", "topic_guessed"})
_OUTCOMES = {key: label for _, rows in report_texts.OUTCOME_GROUPS for key, label in rows}
# How each field's stored value reads; a value with no label reads as stored.
_VALUE_LABELS = {
    "applicant_type": report_texts.APPLICANT_COLUMNS,
    "outcome": _OUTCOMES,
    "result": report_texts.CASE_RESULTS,
    "action": texts.REGISTER_ACTIONS,
    "role": staff_texts.ROLE_NAMES,
}


def describe(action: str, detail: dict | None, timezone: tzinfo) -> str:
    detail = dict(detail or {})
    parts = []
    if "id" in detail:
        parts.append(texts.AUDIT_FIELD.format(field=texts.AUDIT_FIELDS["id"], value=detail.pop("id")))
    if "from" in detail and "to" in detail:
        parts.extend(_move(action, detail.pop("from"), detail.pop("to")))
    for field, (old, new) in (detail.pop("changes", None) or {}).items():
        parts.append(texts.AUDIT_CHANGE.format(field=_field(field), old=_value(field, old, action, timezone),
                                               new=_value(field, new, action, timezone)))
    for field, value in detail.items():
        # An empty field says nothing where nothing changed (a new row's blank outcome).
        if field not in HIDDEN and value not in (None, ""):
            parts.append(texts.AUDIT_FIELD.format(field=_field(field), value=_value(field, value, action, timezone)))
    return "；".join(parts)


def _move(action: str, old, new) -> list[str]:
    if action == "post.topic":
        return []  # topic ids; the entry names the topic itself
    if action == "staff.role":
        return [texts.AUDIT_CHANGE.format(field=texts.AUDIT_FIELDS["role"], old=staff_texts.ROLE_NAMES.get(old, old),
                                          new=staff_texts.ROLE_NAMES.get(new, new))]
    return [texts.AUDIT_CHANGE.format(field=texts.AUDIT_FIELDS["status"], old=lifecycle.status_name(old),
                                      new=lifecycle.status_name(new))]


def _field(field: str) -> str:
    return texts.AUDIT_FIELDS.get(field) or ledger_texts.FIELD_NAMES.get(field) or field


def _value(field: str, value, action: str, timezone: tzinfo) -> str:
    if value is None or value == "":
        return texts.AUDIT_EMPTY
    if isinstance(value, bool):
        return texts.AUDIT_YES if value else texts.AUDIT_NO
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or texts.AUDIT_EMPTY
    if field == "kind":
        kinds = report_texts.CASE_KINDS if action.startswith("register.case") else report_texts.ARTICLE20_KINDS
        return kinds.get(value, value)
    if field in _VALUE_LABELS:
        return _VALUE_LABELS[field].get(value, value)
    if field in ("scheduled_at", "published_at") and isinstance(value, str):
        return _moment(value, timezone)
    return str(value)


def _moment(value: str, timezone: tzinfo) -> str:
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return value
    if at.tzinfo is None:
        return value  # stored without an offset: shown as stored rather than guessed
    return texts.AUDIT_MOMENT.format(at=at.astimezone(timezone).strftime("%Y-%m-%d %H:%M"))
