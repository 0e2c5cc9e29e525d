"""The numbers behind the credentials report (báo cáo thẩm tra tư cách đại biểu, RULES §2),
assembled as plain data for pages, the API and the PDF."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..congress.models import Congress
from .models import CATEGORY_LABELS, Delegate
from .services import is_citizen, is_summoned, sort_delegates


def _pct(part: int, whole: int) -> Decimal:
    if whole <= 0:
        return Decimal("0.00")
    return (Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def credentials_summary(session: Session, congress: Congress, *, reference_year: int | None = None) -> dict:
    everyone = sort_delegates(session.scalars(select(Delegate).where(Delegate.congress_id == congress.id)))
    summoned = [d for d in everyone if is_summoned(d)]
    present = [d for d in summoned if d.checked_in_at is not None]
    absent = [d for d in summoned if d.checked_in_at is None]
    n = len(summoned)
    year = reference_year or (congress.date.year if congress.date else None)
    if year is None:
        import datetime as dt
        year = dt.date.today().year

    def share(items, pred):
        k = sum(1 for d in items if pred(d))
        return {"count": k, "percent": _pct(k, len(items))}

    by_category = []
    for code, label in CATEGORY_LABELS.items():
        if code == "guest":
            continue
        members = [d for d in summoned if d.category == code]
        if members or code in ("official", "ex_officio", "appointed"):
            by_category.append({"code": code, "label": label, "count": len(members),
                                "percent": _pct(len(members), n),
                                "present": sum(1 for d in members if d.checked_in_at is not None)})
    ages = [(year - d.birth_year, d) for d in summoned if d.birth_year]
    age = None
    if ages:
        oldest = max(ages, key=lambda a: a[0])
        youngest = min(ages, key=lambda a: a[0])
        total = sum(a for a, _ in ages)
        age = {"oldest": oldest[0], "oldest_name": oldest[1].full_name,
               "youngest": youngest[0], "youngest_name": youngest[1].full_name,
               "average": (Decimal(total) / Decimal(len(ages))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
               "known": len(ages)}
    return {
        "kind": congress.kind,
        "summoned": n,
        "present": len(present),
        "present_percent": _pct(len(present), n),
        "absent": len(absent),
        "absent_list": [{"full_name": d.full_name, "code": d.code, "reason": d.absence_reason or "Không có lý do"}
                        for d in absent],
        "by_category": by_category,
        "women": share(summoned, lambda d: d.gender == "nữ"),
        "party_members": share(summoned, lambda d: d.is_party_member),
        "ethnic_minorities": share(summoned, lambda d: d.ethnicity and d.ethnicity.casefold() != "kinh"),
        # The 2024 union law: members who are not Vietnamese citizens (shown only when there are some).
        "foreigners": share(summoned, lambda d: not is_citizen(d.nationality)),
        "age": age,
        "rejected": [{"full_name": d.full_name, "code": d.code, "reason": d.credential_reason}
                     for d in everyone if d.credential_status == "rejected"],
        "pending": sum(1 for d in summoned if d.credential_status == "pending"),
        "replacements": [{"full_name": d.full_name, "replaces": next(
            (o.full_name for o in everyone if o.id == d.replaces_delegate_id), ""), "reason": d.replacement_reason}
            for d in everyone if d.promoted_at is not None],
        "guests": [d.full_name for d in everyone if d.category == "guest"],
        "reference_year": year,
    }
