"""Imports every feature's models so that the metadata is complete (Alembic, tests)."""
from .auth.models import ApiToken, User, UserCongress  # noqa: F401
from .congress.models import Congress, CongressOfficial, CongressSession  # noqa: F401
from .delegates.models import AttendanceEvent, Delegate  # noqa: F401
from .elections.models import (Ballot, Candidate, Election, PaperBallotCorrection,  # noqa: F401
                               PaperBallotEntry, Receipt, Round, RoundCandidate, SealedBallot,
                               CredentialEvent, VotingPolicy,
                               RoundParticipation)
from .motions.models import Motion  # noqa: F401
from .agenda.models import AgendaItem, Appointment, CongressFile  # noqa: F401
from .ratelimit import RateLimitBucket  # noqa: F401
from .voting.models import VotingSlip  # noqa: F401
from .documents.models import RenderJob  # noqa: F401
from .audit.models import AuditEntry, AuditHead  # noqa: F401
from .imports.models import ImportMapping, ImportUpload  # noqa: F401
from .federation.models import CongressOrganization, Dossier, Organization, UserOrganization  # noqa: F401
from .comments.models import DraftComment  # noqa: F401
