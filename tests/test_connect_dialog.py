"""文件 → 连接共享工作空间…: the dialog builds the location; the window opens it and keeps no password."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialogButtonBox

from floodpost import i18n
from floodpost.data.workspace import StorageError
from floodpost.ui.dialogs.connect import (
    LAST_SHARED,
    ConnectDialog,
    server_location,
    service_location,
)
from floodpost.ui.settings import SETTINGS_APP, SETTINGS_ORG


@pytest.fixture
def dialog(qtbot):
    d = ConnectDialog(last="")
    qtbot.addWidget(d)
    return d


def test_location_from_the_server_fields(dialog: ConnectDialog) -> None:
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # no host yet
    dialog.host.setText(" 10.1.2.3 ")
    dialog.user.setText("duty1")
    assert ok.isEnabled()
    assert dialog.location() == "postgresql://duty1@10.1.2.3/floodpost"
    dialog.port.setValue(5433)
    dialog.database.setText("汛期")
    dialog.password.setText("p@ss:w/d")
    assert dialog.location() == "postgresql://duty1:p%40ss%3Aw%2Fd@10.1.2.3:5433/%E6%B1%9B%E6%9C%9F"
    assert dialog.location(with_password=False) == "postgresql://duty1@10.1.2.3:5433/%E6%B1%9B%E6%9C%9F"


def test_location_from_a_service_name(dialog: ConnectDialog) -> None:
    dialog.by_service.setChecked(True)
    assert not dialog.host.isEnabled() and dialog.service.isEnabled()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    dialog.service.setText("floodpost")
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert dialog.location() == "service=floodpost"
    dialog.password.setText("it's")
    assert dialog.location() == "service=floodpost password='it\\'s'"
    assert dialog.location(with_password=False) == "service=floodpost"


def test_fields_come_back_from_a_remembered_location(qtbot) -> None:
    d = ConnectDialog(last="postgresql://duty1:secret@gis-server:5433/flood")
    qtbot.addWidget(d)
    assert (d.host.text(), d.port.value(), d.database.text(), d.user.text(), d.password.text()) == (
        "gis-server", 5433, "flood", "duty1", "")
    d2 = ConnectDialog(last="service=post")
    qtbot.addWidget(d2)
    assert d2.by_service.isChecked() and d2.service.text() == "post"


def test_helpers() -> None:
    assert server_location("db", 5432, "floodpost", "") == "postgresql://db/floodpost"
    assert server_location("::1", 5432, "f", "u") == "postgresql://u@[::1]/f"
    assert service_location(" post ") == "service=post"


def test_the_dialog_speaks_chinese(qtbot) -> None:
    i18n.set_language("zh_CN")
    try:
        d = ConnectDialog(last="")
        qtbot.addWidget(d)
        assert d.windowTitle() == "连接共享工作空间"
    finally:
        i18n.set_language("en")


def test_the_window_opens_the_location_and_keeps_no_password(qtbot, monkeypatch) -> None:
    import floodpost.ui.mainwindow as mw

    seen: list[str] = []

    def refuse(location, read_only=False, replica_dir=None):  # noqa: ANN001, ANN202
        seen.append(location)
        raise StorageError("no server here")

    messages: list[str] = []
    monkeypatch.setattr(mw.Workspace, "open", staticmethod(refuse))
    monkeypatch.setattr(mw.QMessageBox, "critical", lambda parent, title, text: messages.append(text))
    monkeypatch.setattr(ConnectDialog, "exec", lambda self: ConnectDialog.DialogCode.Accepted)

    def filled(self, parent=None, last=None):  # noqa: ANN001, ANN202
        real(self, parent, last="")
        self.host.setText("gis-server")
        self.user.setText("duty1")
        self.password.setText("secret")

    real = ConnectDialog.__init__
    monkeypatch.setattr(ConnectDialog, "__init__", filled)
    win = mw.MainWindow()
    qtbot.addWidget(win)
    assert win.act_connect.shortcut().toString() == "Ctrl+Shift+O"
    win.act_connect.trigger()
    assert seen == ["postgresql://duty1:secret@gis-server/floodpost"]
    assert messages and "secret" not in messages[0] and "duty1@gis-server" in messages[0]
    settings = QSettings(SETTINGS_ORG, SETTINGS_APP)
    assert "secret" not in str(settings.value(LAST_SHARED) or "")
    assert "secret" not in str(settings.value("last_workspace") or "")
