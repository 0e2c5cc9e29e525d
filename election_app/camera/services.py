"""Reading a stack of photos for one round: the layout lookup (cached per round and layout)
and the proposal for each ballot. Nothing here stores an image: bytes come in, readings
(numbers struck / unsure, never the picture) go out."""
from __future__ import annotations

import threading

from sqlalchemy.orm import Session

from ..documents import jobs as doc_jobs
from ..elections import services as el
from ..elections.models import Election, Round
from ..omr import reader, sheets

MAX_PHOTOS = 60
MAX_BYTES = 15 * 1024 * 1024
_CACHE: dict[tuple, tuple] = {}
_LOCK = threading.Lock()


def _layout(session: Session, election: Election, round: Round):
    """(LaidOutBallot, reference images) of the round's printed ballot, cached."""
    data_key = (election.id, round.number, tuple((rc.ballot_number, c.full_name, c.position, c.unit)
                                                for rc, c in el.round_candidates(session, round)))
    with _LOCK:
        hit = _CACHE.get(data_key)
    if hit is not None:
        return hit
    _renderer, laid, _data = doc_jobs.ballot_layout(session, election, round.number)
    refs = sheets.reference_images(laid.document.write_pdf())
    with _LOCK:
        if len(_CACHE) > 32:
            _CACHE.clear()
        _CACHE[data_key] = (laid, refs)
    return laid, refs


def read_photos(session: Session, *, election: Election, photos: list[tuple[str, bytes]]) -> list[dict]:
    """Photos in stack order → ballots: each a dict with the pages read, the proposal
    (``struck`` numbers, ``unsure`` numbers with reasons, ``marks`` outside the rows, ``flags``:
    rows read for sure that carry a mark which is no strike, e.g. a circle) or an ``error``.
    A photo of page 1 starts a ballot; the next photos of pages 2, 3 … complete it."""
    r = el.current_round(session, election)
    if r is None or r.status != "open":
        return [{"name": n, "error": "Lần bầu chưa mở: chưa đọc phiếu được."} for n, _ in photos]
    laid, refs = _layout(session, election, r)

    def lookup(code):
        if code.election != election.id or code.round != r.number or code.layout != laid.layout:
            return None
        if not 1 <= code.page <= len(laid.pages):
            return None
        return laid.pages[code.page - 1], refs[code.page - 1]

    ballots: list[dict] = []
    current: dict | None = None
    for name, data in photos:
        try:
            if len(data) > MAX_BYTES:
                raise reader.ReadError("Ảnh quá lớn (tối đa 15 MB).")
            reading = reader.read_photo(data, lookup)
        except reader.ReadError as err:
            ballots.append({"name": name, "error": str(err)})
            current = None
            continue
        except Exception:  # a broken image must never become a 500 for the whole stack
            ballots.append({"name": name, "error": "Không đọc được ảnh này: chụp lại."})
            current = None
            continue
        finally:
            del data
        page = reading.code.page
        if page == 1:
            current = {"name": name, "pages": [], "struck": [], "unsure": [], "marks": 0, "flags": [], "seconds": 0.0,
                       "page_count": len(laid.pages)}
            ballots.append(current)
        elif current is None or len(current["pages"]) != page - 1:
            ballots.append({"name": name, "error": f"Ảnh trang {page} không đi sau trang {page - 1} của cùng tờ phiếu."})
            current = None
            continue
        current["pages"].append(page)
        current["seconds"] += reading.seconds
        current["marks"] += len(reading.marks)
        for row in reading.rows:
            if row.state == reader.STRUCK:
                current["struck"].append(row.number)
            elif row.state == reader.UNSURE:
                current["unsure"].append({"number": row.number, "reason": row.reason})
            if row.mark and row.state != reader.UNSURE:
                # read for sure (a circled name is kept), but the mark is the board's to judge
                current["flags"].append({"number": row.number, "reason": row.reason})
    for b in ballots:
        if "pages" in b and len(b["pages"]) != b["page_count"]:
            b["error"] = f"Phiếu có {b['page_count']} trang nhưng chỉ có ảnh {len(b['pages'])} trang."
    return ballots
