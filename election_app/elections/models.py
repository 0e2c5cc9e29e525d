"""Secret-ballot elections: the election, its candidates, its rounds, who received a ballot
(participation), what was voted (ballots) and the board's paper-ballot entries.

Secrecy (RULES §5): ``round_participations`` says who got a ballot; ``ballots`` says what
was voted. Neither points at the other; a ballot row has a random id, no delegate, no
timestamp, no serial number, and on SQLite lives in a WITHOUT ROWID table so that its
physical order is the order of its random key, not of casting."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (CheckConstraint, ForeignKey, Integer, LargeBinary, String, Text,
                        UniqueConstraint, false)
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, random_id, utcnow

BODY_LABELS = {
    "executive_committee": "Ban Chấp hành",
    "inspection_committee": "Ủy ban Kiểm tra",
    "chair": "Chủ tịch Công đoàn",
    "upper_delegates": "Đại biểu đi dự Đại hội Công đoàn cấp trên",
    "upper_alternates": "Đại biểu dự khuyết đi dự Đại hội Công đoàn cấp trên",
    "other": "Khác",
}
NOMINATION_LABELS = {"self": "Ứng cử", "nominated": "Đề cử"}
BALLOT_TYPE_LABELS = {
    "strike": "Phiếu gạch tên",
    "yes_no": "Phiếu đồng ý / không đồng ý",
}


class Election(Base):
    __tablename__ = "elections"
    __table_args__ = (
        CheckConstraint("seats >= 1", name="seats_positive"),
        CheckConstraint("entry_teams BETWEEN 1 AND 3", name="entry_teams_range"),
        CheckConstraint(
            "body IN ('executive_committee','inspection_committee','chair',"
            "'upper_delegates','upper_alternates','other')", name="body_known"),
        CheckConstraint("ballot_type IN ('strike','yes_no')", name="ballot_type_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    congress_id: Mapped[int] = mapped_column(ForeignKey("congresses.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(String(30))
    seats: Mapped[int] = mapped_column(Integer)
    # Independent entry of the paper stack by 1, 2 or 3 board teams (nhập độc lập).
    entry_teams: Mapped[int] = mapped_column(Integer, default=1)
    # How the ballot is marked (rules/yesno.py): "strike" keeps the names not struck (gạch
    # tên); "yes_no" has "Đồng ý" / "Không đồng ý" per name, only for a list without surplus.
    ballot_type: Mapped[str] = mapped_column(String(10), default="strike", server_default="strike")
    # For upper_alternates: the official-delegate election they follow (RULES §4.4).
    follows_election_id: Mapped[int | None] = mapped_column(
        ForeignKey("elections.id", ondelete="SET NULL"), nullable=True)
    # For upper_delegates: the congress voted to take this many alternates from the ranking
    # (those who passed, just below the last official delegate elected; RULES §4.4). None: not
    # voted (no alternates, or a separate upper_alternates election).
    alternate_seats: Mapped[int | None] = mapped_column(Integer, nullable=True)
    position: Mapped[int] = mapped_column(default=0)
    # The agenda item it belongs to (the congress minutes tell it there); no FK on purpose
    # (see migration 0005): an unknown id reads as unlinked.
    agenda_item_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    @property
    def body_label(self) -> str:
        return BODY_LABELS.get(self.body, self.body)

    @property
    def is_yes_no(self) -> bool:
        return self.ballot_type == "yes_no"

    @property
    def ballot_type_label(self) -> str:
        return BALLOT_TYPE_LABELS.get(self.ballot_type, self.ballot_type)


class Candidate(Base):
    __tablename__ = "candidates"
    __table_args__ = (
        UniqueConstraint("election_id", "delegate_id", name="uq_candidates_election_delegate"),
        CheckConstraint("nomination IN ('self','nominated')", name="nomination_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"), index=True)
    delegate_id: Mapped[int | None] = mapped_column(
        ForeignKey("delegates.id", ondelete="SET NULL"), nullable=True)
    ho: Mapped[str] = mapped_column(String(80), default="")
    ten_dem: Mapped[str] = mapped_column(String(120), default="")
    ten: Mapped[str] = mapped_column(String(80))
    full_name: Mapped[str] = mapped_column(String(300))
    birth_year: Mapped[int | None] = mapped_column(nullable=True)
    gender: Mapped[str | None] = mapped_column(String(5), nullable=True)
    position: Mapped[str] = mapped_column(String(300), default="")
    unit: Mapped[str] = mapped_column(String(300), default="")
    ethnicity: Mapped[str] = mapped_column(String(50), default="Kinh")
    education: Mapped[str] = mapped_column(String(100), default="")
    qualification: Mapped[str] = mapped_column(String(200), default="")
    political_theory: Mapped[str] = mapped_column(String(100), default="")
    is_party_member: Mapped[bool] = mapped_column(default=False)
    nomination: Mapped[str] = mapped_column(String(10), default="nominated")
    is_withdrawn: Mapped[bool] = mapped_column(default=False)
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")


class Round(Base):
    """One round (lần bầu) of an election, with its own list, seats, ballots and minutes."""
    __tablename__ = "rounds"
    __table_args__ = (
        UniqueConstraint("election_id", "number", name="uq_rounds_election_number"),
        CheckConstraint("status IN ('draft','open','closed')", name="status_known"),
        CheckConstraint("seats >= 1", name="seats_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    seats: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    opened_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    # The board's count of paper ballots handed out, when not struck off per delegate.
    paper_issued_count: Mapped[int | None] = mapped_column(nullable=True)
    summoned_at_open: Mapped[int | None] = mapped_column(nullable=True)
    present_at_open: Mapped[int | None] = mapped_column(nullable=True)
    # The session open when the round was opened (None: the congress has no sessions).
    congress_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("congress_sessions.id", ondelete="SET NULL"), nullable=True)
    # Snapshot written when the round is closed (the official count).
    issued: Mapped[int | None] = mapped_column(nullable=True)
    returned: Mapped[int | None] = mapped_column(nullable=True)
    valid: Mapped[int | None] = mapped_column(nullable=True)
    invalid: Mapped[int | None] = mapped_column(nullable=True)
    invalid_by_reason: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON
    # Invalid ballots under "other", by the board's own words: JSON [[text, n], ...].
    invalid_by_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(15), nullable=True)
    seal_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The sealed ballot box (elections/box.py): the public key ballots are encrypted to while the
    # round is open, and its private key wrapped (SECRET_KEY-derived or board passphrase);
    # the wrapped key is erased at close.
    box_mode: Mapped[str | None] = mapped_column(String(12), nullable=True)
    box_public_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    box_wrapped_key: Mapped[str | None] = mapped_column(Text, nullable=True)
    box_salt: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # "Số: NN/BB-BBC" of this round's count minutes: given once at close, never renumbered.
    minutes_number: Mapped[int | None] = mapped_column(Integer, nullable=True)


class DocumentNumber(Base):
    """The numbers given to a congress's papers, one row per number: the unique key
    (congress, series, number) makes a number given twice impossible, even when two rounds of
    different elections close at the same moment (``elections.services.assign_minutes_number``
    retries on the key). Series "BB-BBC": the count minutes of ``round_id``."""
    __tablename__ = "document_numbers"
    __table_args__ = (
        UniqueConstraint("congress_id", "series", "number"),
        UniqueConstraint("round_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    congress_id: Mapped[int] = mapped_column(ForeignKey("congresses.id", ondelete="CASCADE"))
    series: Mapped[str] = mapped_column(String(20))
    number: Mapped[int] = mapped_column(Integer)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), nullable=True)


class RoundCandidate(Base):
    __tablename__ = "round_candidates"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True)
    ballot_number: Mapped[int] = mapped_column(Integer)   # number printed on the ballot (1..n)
    votes: Mapped[int | None] = mapped_column(nullable=True)
    is_elected: Mapped[bool] = mapped_column(default=False)
    is_tied: Mapped[bool] = mapped_column(default=False)
    # Agree/disagree elections: the votes against (không đồng ý) at close; None otherwise.
    against: Mapped[int | None] = mapped_column(nullable=True)


class RoundParticipation(Base):
    """Who received a ballot in a round (strike-off). The primary key *is* the rule
    "one delegate, one ballot per round" (RULES §4.5). No timestamp, on purpose; on SQLite
    a WITHOUT ROWID table (no hidden insertion counter), and the round's rows are rewritten
    in random order when it closes."""
    __tablename__ = "round_participations"
    __table_args__ = (
        CheckConstraint("method IN ('paper','electronic','slip')", name="method_known"),
        {"sqlite_with_rowid": False},
    )

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("delegates.id", ondelete="CASCADE"), primary_key=True)
    method: Mapped[str] = mapped_column(String(12))


class Ballot(Base):
    """An electronically cast ballot (personal link or anonymous slip), in clear: written
    only when its round closes, all of the round's in one random order (while the round is
    open a ballot exists only as a ``SealedBallot``). Random id; no delegate, no time, no
    serial number. ``kept`` is a JSON list of candidate ids, sorted."""
    __tablename__ = "ballots"
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    kept: Mapped[str] = mapped_column(Text, info={"ids_of": "candidates"})
    # Agree/disagree ballots: ``kept`` are the names agreed, this the names disagreed (JSON,
    # sorted); None on a strike-out ballot.
    against: Mapped[str | None] = mapped_column(Text, nullable=True, info={"ids_of": "candidates"})
    is_valid: Mapped[bool] = mapped_column()
    invalid_reason: Mapped[str | None] = mapped_column(String(30), nullable=True)


class Receipt(Base):
    """Receipt codes handed to e-voters; published sorted after close. Linked to neither
    the voter nor the ballot content. Written at close, in random order, from the sealed
    ballots (a voter's code is derived from their token, never stored beside them)."""
    __tablename__ = "receipts"
    __table_args__ = ({"sqlite_with_rowid": False},)

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)


class PaperBallotEntry(Base):
    """One paper ballot as typed by one board team. Stack numbers are the order the board
    reads the (already mixed) ballot box, not an order of voters. A void entry (huỷ phiếu
    nhập nhầm, e.g. Enter pressed twice) stays for the trace but counts nowhere; its number
    is never reused."""
    __tablename__ = "paper_ballot_entries"
    __table_args__ = (
        UniqueConstraint("round_id", "team", "number", name="uq_paper_entries_round_team_number"),
        CheckConstraint("team BETWEEN 1 AND 3", name="team_range"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    team: Mapped[int] = mapped_column(Integer, default=1)
    number: Mapped[int] = mapped_column(Integer)
    kept: Mapped[str] = mapped_column(Text, default="[]", info={"ids_of": "candidates"})       # JSON list of candidate ids
    # Agree/disagree ballots: ``kept`` are the names whose "Đồng ý" box is marked, this those
    # whose "Không đồng ý" box is (a name in both: both boxes marked). "[]" on strike-out.
    against: Mapped[str] = mapped_column(Text, default="[]", server_default="[]", info={"ids_of": "candidates"})
    defect: Mapped[str | None] = mapped_column(String(30), nullable=True)
    # With defect "other": the board's own words for the defect ("rách làm đôi"), NFC.
    defect_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    entered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    is_void: Mapped[bool] = mapped_column(default=False, server_default=false())


class PaperBallotCorrection(Base):
    """The trace left when an entry is corrected (sửa phiếu) or voided (huỷ phiếu: new_kept
    "[]", new_defect "void"): what it was, who, when, why."""
    __tablename__ = "paper_ballot_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("paper_ballot_entries.id", ondelete="CASCADE"), index=True)
    old_kept: Mapped[str] = mapped_column(Text, info={"ids_of": "candidates"})
    old_defect: Mapped[str | None] = mapped_column(String(30), nullable=True)
    new_kept: Mapped[str] = mapped_column(Text, info={"ids_of": "candidates"})
    new_defect: Mapped[str | None] = mapped_column(String(30), nullable=True)
    old_against: Mapped[str | None] = mapped_column(Text, nullable=True, info={"ids_of": "candidates"})
    new_against: Mapped[str | None] = mapped_column(Text, nullable=True, info={"ids_of": "candidates"})
    old_defect_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    new_defect_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    corrected_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    corrected_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SealedBallot(Base):
    """One electronic ballot while its round is open: the kept ids and the receipt code,
    padded and encrypted to the round's public key (voting/box.py). Random id, no delegate,
    no time; deleted when the round closes."""
    __tablename__ = "sealed_ballots"
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class VotingPolicy(Base):
    """A congress's rules for its voting credentials. ``two_person_reissue``: while a round is
    open, reissuing a delegate's voting link needs a second staff account to confirm."""
    __tablename__ = "voting_policies"

    congress_id: Mapped[int] = mapped_column(ForeignKey("congresses.id", ondelete="CASCADE"), primary_key=True)
    two_person_reissue: Mapped[bool] = mapped_column(default=False)


class CredentialEvent(Base):
    """Who handed out a voting credential, and when (issue 10: one insider must not add a
    ballot unseen): a link issued or reissued (and who confirmed it under the two-person
    rule, or a request still waiting), slips printed, a delegate struck off for a slip.
    Shown on the board's monitor while a round is open; the hall display counts the links
    reissued during the round. Never a token, never anything about a ballot."""
    __tablename__ = "credential_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    congress_id: Mapped[int] = mapped_column(ForeignKey("congresses.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))      # link_issued | link_reissued | slips_printed | slip_issued
    status: Mapped[str] = mapped_column(String(10), default="done")   # done | pending | cancelled
    delegate_id: Mapped[int | None] = mapped_column(ForeignKey("delegates.id", ondelete="CASCADE"), nullable=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), nullable=True)
    count: Mapped[int] = mapped_column(Integer, default=1)
    in_open_round: Mapped[bool] = mapped_column(default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
