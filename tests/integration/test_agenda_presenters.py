"""Issue 12 §20: a held agenda item whose presenter is still the template's body name
("Ban tổ chức", "Đoàn Chủ tịch"…) is warned on the agenda page and on the documents page
that produces the minutes; once a real person is entered, the warning goes."""
from __future__ import annotations

from election_app.agenda.services import (create_agenda_from_template, items_with_body_presenter,
                                          list_items, set_current_item)


def test_body_name_as_presenter_of_a_held_item_is_warned(client, login, session, congress):
    items = create_agenda_from_template(session, congress=congress)
    session.commit()
    login("organizer")
    # nothing held yet: nothing to warn
    page = client.get(f"/congresses/{congress.id}/agenda").get_data(as_text=True)
    assert 'data-testid="presenter-warning"' not in page
    set_current_item(session, congress=congress, item=items[0])        # Chào cờ, "Ban tổ chức"
    set_current_item(session, congress=congress, item=items[5])        # Khai mạc, "Đoàn Chủ tịch"
    session.commit()
    held = items_with_body_presenter(list_items(session, congress.id))
    assert [i.id for i in held] == [items[0].id, items[5].id]
    page = client.get(f"/congresses/{congress.id}/agenda").get_data(as_text=True)
    assert 'data-testid="presenter-warning"' in page
    assert "2 mục đã diễn ra vẫn ghi người trình bày là tên tập thể" in page
    assert "«Ban tổ chức», «Đoàn Chủ tịch»" in page
    docs = client.get(f"/congresses/{congress.id}/documents").get_data(as_text=True)
    assert "2 mục đã diễn ra vẫn ghi người trình bày là tên tập thể" in docs
    # the real people entered: no warning (case and spacing of a body name do not hide it)
    items[0].presenter = "Đồng chí Trần Thị Bình, Trưởng Ban Tổ chức"
    items[5].presenter = "  đoàn chủ   tịch "
    session.commit()
    page = client.get(f"/congresses/{congress.id}/agenda").get_data(as_text=True)
    assert "1 mục đã diễn ra" in page and "Khai mạc" not in page.split("presenter-warning")[0]
    items[5].presenter = "Đồng chí Nguyễn Văn An, thay mặt Đoàn Chủ tịch"
    session.commit()
    for path in ("agenda", "documents"):
        page = client.get(f"/congresses/{congress.id}/{path}").get_data(as_text=True)
        assert "người trình bày là tên tập thể" not in page, path
