"""The demo congress: Đại hội Công đoàn cơ sở Trường Tiểu học Thủ Lệ (all members, ~45
people), seeded once by ``flask demo seed`` / ``make run``."""
from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from .auth.models import User
from .auth.services import create_user, grant_congress
from .congress.models import Congress
from .congress.services import create_congress, set_officials
from .delegates.services import add_delegates, decide_credentials

DEMO_NAME = "Đại hội Công đoàn cơ sở Trường Tiểu học Thủ Lệ lần thứ XV, nhiệm kỳ 2023–2028"

# (họ và tên, giới tính, năm sinh, chức vụ, đơn vị, đảng viên, dân tộc)
MEMBERS = [
    ("Nguyễn Thị Thu Hà", "nữ", 1978, "Hiệu trưởng", "Ban Giám hiệu", True, "Kinh"),
    ("Trần Văn Hùng", "nam", 1975, "Phó Hiệu trưởng", "Ban Giám hiệu", True, "Kinh"),
    ("Lê Thị Minh Phương", "nữ", 1981, "Phó Hiệu trưởng, Chủ tịch Công đoàn", "Ban Giám hiệu", True, "Kinh"),
    ("Phạm Thị Hồng Nhung", "nữ", 1986, "Tổ trưởng, Phó Chủ tịch Công đoàn", "Tổ 1", True, "Kinh"),
    ("Hoàng Thị Lan", "nữ", 1990, "Giáo viên", "Tổ 1", False, "Kinh"),
    ("Vũ Thị Thanh Hương", "nữ", 1984, "Giáo viên", "Tổ 1", True, "Kinh"),
    ("Đặng Thị Mai", "nữ", 1992, "Giáo viên", "Tổ 1", False, "Kinh"),
    ("Bùi Thị Ngọc Ánh", "nữ", 1995, "Giáo viên", "Tổ 1", False, "Kinh"),
    ("Đỗ Thị Hoà", "nữ", 1988, "Giáo viên", "Tổ 1", False, "Kinh"),
    ("Ngô Thị Thuỷ", "nữ", 1983, "Tổ trưởng", "Tổ 2", True, "Kinh"),
    ("Dương Thị Huyền", "nữ", 1991, "Giáo viên", "Tổ 2", False, "Kinh"),
    ("Lý Thị Hạnh", "nữ", 1987, "Giáo viên", "Tổ 2", False, "Tày"),
    ("Nguyễn Văn Đức", "nam", 1980, "Giáo viên Thể dục", "Tổ 2", True, "Kinh"),
    ("Trịnh Thị Yến", "nữ", 1993, "Giáo viên", "Tổ 2", False, "Kinh"),
    ("Phan Thị Kim Oanh", "nữ", 1979, "Giáo viên", "Tổ 2", True, "Kinh"),
    ("Nguyễn Thị Ánh Tuyết", "nữ", 1982, "Tổ trưởng", "Tổ 3", True, "Kinh"),
    ("Trần Thị Bích Ngọc", "nữ", 1989, "Giáo viên", "Tổ 3", False, "Kinh"),
    ("Lê Thị Quỳnh", "nữ", 1996, "Giáo viên", "Tổ 3", False, "Kinh"),
    ("Mai Thị Thu Trang", "nữ", 1985, "Giáo viên", "Tổ 3", True, "Kinh"),
    ("Cao Thị Diệu Linh", "nữ", 1994, "Giáo viên", "Tổ 3", False, "Kinh"),
    ("Hà Thị Sen", "nữ", 1990, "Giáo viên", "Tổ 3", False, "Mường"),
    ("Nguyễn Thị Thanh Tâm", "nữ", 1977, "Tổ trưởng", "Tổ 4", True, "Kinh"),
    ("Đinh Thị Hằng", "nữ", 1986, "Giáo viên", "Tổ 4", False, "Kinh"),
    ("Tạ Thị Vân Anh", "nữ", 1992, "Giáo viên", "Tổ 4", False, "Kinh"),
    ("Lương Văn Thắng", "nam", 1983, "Giáo viên Tin học", "Tổ 4", True, "Kinh"),
    ("Nguyễn Thị Thảo", "nữ", 1997, "Giáo viên", "Tổ 4", False, "Kinh"),
    ("Vương Thị Ngân", "nữ", 1988, "Giáo viên", "Tổ 4", False, "Kinh"),
    ("Trần Thị Thu Hiền", "nữ", 1980, "Tổ trưởng", "Tổ 5", True, "Kinh"),
    ("Phạm Thị Loan", "nữ", 1985, "Giáo viên", "Tổ 5", False, "Kinh"),
    ("Lê Văn Tuấn", "nam", 1987, "Giáo viên Âm nhạc", "Tổ 5", False, "Kinh"),
    ("Nguyễn Thị Phượng", "nữ", 1991, "Giáo viên", "Tổ 5", False, "Kinh"),
    ("Hoàng Thị Kim Dung", "nữ", 1976, "Giáo viên", "Tổ 5", True, "Kinh"),
    ("Chu Thị Ngọc Bích", "nữ", 1993, "Giáo viên Tiếng Anh", "Tổ Chuyên biệt", False, "Kinh"),
    ("Nguyễn Đức Thành", "nam", 1989, "Giáo viên Mĩ thuật", "Tổ Chuyên biệt", False, "Kinh"),
    ("Trương Thị Hải Yến", "nữ", 1990, "Giáo viên Tiếng Anh", "Tổ Chuyên biệt", False, "Kinh"),
    ("Kiều Thị Thu", "nữ", 1984, "Tổng phụ trách Đội", "Tổ Chuyên biệt", True, "Kinh"),
    ("Nguyễn Thị Huệ", "nữ", 1978, "Kế toán", "Tổ Văn phòng", True, "Kinh"),
    ("Phạm Thị Thu Thủy", "nữ", 1987, "Văn thư", "Tổ Văn phòng", False, "Kinh"),
    ("Đoàn Thị Nga", "nữ", 1982, "Thủ quỹ, Y tế học đường", "Tổ Văn phòng", False, "Kinh"),
    ("Lê Thị Tươi", "nữ", 1995, "Thư viện", "Tổ Văn phòng", False, "Kinh"),
    ("Vũ Văn Khoa", "nam", 1972, "Bảo vệ", "Tổ Văn phòng", False, "Kinh"),
    ("Nguyễn Văn Bình", "nam", 1970, "Bảo vệ", "Tổ Văn phòng", False, "Kinh"),
    ("Ninh Thị Ơn", "nữ", 1986, "Nhân viên thiết bị", "Tổ Văn phòng", False, "Kinh"),
    ("Hồ Thị Ưng", "nữ", 1998, "Giáo viên", "Tổ 1", False, "Kinh"),
    ("Lò Thị Xuân", "nữ", 1994, "Giáo viên", "Tổ 4", False, "Thái"),
]

STAFF = [("admin", "admin"), ("btc", "organizer"), ("bbc", "board"), ("thuky", "secretary")]


def generated_password() -> str:
    """12 characters from an alphabet without look-alikes (about 70 bits), easy to copy by hand."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


def seed_demo(session: Session, *, admin_password: str | None = None) -> list[tuple[str, str, str]]:
    """Seed once; returns (username, role, password) of the accounts made, with passwords
    generated here (never a fixed one), for the caller to print once."""
    if session.scalar(select(Congress.id).where(Congress.name == DEMO_NAME)) is not None:
        return []
    made = []
    for username, role in STAFF:
        if session.scalar(select(User.id).where(User.username == username)) is None:
            pw = (admin_password if role == "admin" and admin_password else generated_password())
            create_user(session, username=username, password=pw, role=role,
                        full_name={"admin": "Quản trị", "btc": "Ban tổ chức", "bbc": "Ban bầu cử",
                                   "thuky": "Thư ký"}[username])
            made.append((username, role, pw))
    congress = create_congress(session, data={
        "name": DEMO_NAME,
        "organization": "Công đoàn cơ sở Trường Tiểu học Thủ Lệ",
        "parent_organization": "Công đoàn Giáo dục quận Ba Đình",
        "term": "2023–2028", "ordinal": "XV", "kind": "all_members",
        "date": dt.date(2026, 12, 12).isoformat(), "place": "Ba Đình",
        "venue": "Hội trường tầng 3, Trường Tiểu học Thủ Lệ, số 2 Đào Tấn, Ba Đình, Hà Nội",
    })
    # Tenancy: the demo's staff accounts work on the demo congress.
    for username, role in STAFF:
        user = session.scalar(select(User).where(User.username == username))
        if user is not None and role != "admin":
            grant_congress(session, user=user, congress_id=congress.id)
    rows = [{"full_name": n, "gender": g, "birth_year": y, "position": p, "unit": u,
             "is_party_member": pm, "ethnicity": e, "category": "official",
             "education": "12/12", "qualification": "Cử nhân" if "Giáo viên" in p or "Hiệu" in p else ""}
            for (n, g, y, p, u, pm, e) in MEMBERS]
    rows.append({"full_name": "Đào Mạnh Cường", "gender": "nam", "birth_year": 1968,
                 "position": "Chủ tịch Công đoàn Giáo dục quận", "unit": "Công đoàn Giáo dục quận Ba Đình",
                 "category": "guest"})
    delegates = add_delegates(session, congress=congress, rows=rows)
    for d in delegates:
        if d.category != "guest":
            decide_credentials(session, delegate=d, status="accepted")
    set_officials(session, congress=congress, role="presidium",
                  names=["Lê Thị Minh Phương - Chủ tịch Công đoàn", "Nguyễn Thị Thu Hà - Hiệu trưởng",
                         "Phạm Thị Hồng Nhung - Phó Chủ tịch Công đoàn"])
    set_officials(session, congress=congress, role="secretariat", names=["Phạm Thị Thu Thủy - Văn thư"])
    set_officials(session, congress=congress, role="board",
                  names=["Ngô Thị Thuỷ - Trưởng ban", "Lương Văn Thắng - Ủy viên", "Trịnh Thị Yến - Ủy viên"])
    session.flush()
    from . import demo_hooks
    demo_hooks.run_all(session, congress)
    return made
