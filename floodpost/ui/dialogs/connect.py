"""文件 → 连接共享工作空间…: open the post's shared workspace on a PostgreSQL server.

The officer gives the server (host, port, database, user) or the name of a
libpq service the post's IT set up, and the window opens it as it opens a
file. A password typed here is used for this connection only: it is never
written to the settings, the title or a log. The way to not type it at all is
libpq's own: the pgpass file or a service in the service file, both kept by
the operating system's user account, not by FloodPost.
"""

from __future__ import annotations

from urllib.parse import quote

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from floodpost.data.workspace import is_shared_location, strip_password
from floodpost.ui.settings import SETTINGS_APP, SETTINGS_ORG

# The settings key of the last shared location (always without a password).
LAST_SHARED = "last_shared_workspace"
DEFAULT_PORT = 5432


def server_location(host: str, port: int, database: str, user: str, password: str = "") -> str:
    """``postgresql://user[:password]@host[:port]/database``, each part URL-quoted (Chinese names, ``@`` in a user)."""
    cred = quote(user.strip(), safe="")
    if cred and password:
        cred += ":" + quote(password, safe="")
    host = host.strip() or "localhost"
    if ":" in host and not host.startswith("["):  # an IPv6 address
        host = f"[{host}]"
    netloc = (f"{cred}@" if cred else "") + host + (f":{int(port)}" if port and int(port) != DEFAULT_PORT else "")
    return f"postgresql://{netloc}/{quote(database.strip(), safe='')}"


def service_location(service: str, password: str = "") -> str:
    """``service=NAME`` (libpq's service file says where and who), with a password only when typed."""
    text = f"service={_kv(service.strip())}"
    return f"{text} password={_kv(password)}" if password else text


def _kv(value: str) -> str:
    """A libpq key/value value, quoted when it must be."""
    if value and not any(c in value for c in " '\\"):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class ConnectDialog(QDialog):
    """Host/port/database/user, or a service name; :meth:`location` is what the window opens."""

    def __init__(self, parent: QWidget | None = None, last: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Connect to shared workspace"))
        self.by_server = QRadioButton(self.tr("&Server"), self)
        self.by_service = QRadioButton(self.tr("Ser&vice name"), self)
        group = QButtonGroup(self)
        group.addButton(self.by_server)
        group.addButton(self.by_service)
        self.by_server.setChecked(True)

        self.host = QLineEdit(self)
        self.host.setPlaceholderText(self.tr("e.g. 10.1.2.3 or gis-server"))
        self.port = QSpinBox(self)
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.database = QLineEdit("floodpost", self)
        self.user = QLineEdit(self)
        self.user.setPlaceholderText(self.tr("your login, e.g. duty1"))
        self.service = QLineEdit(self)
        self.service.setPlaceholderText(self.tr("e.g. floodpost"))
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("only if pgpass or the service file has none"))

        server = QFormLayout()
        server.addRow(self.tr("&Host:"), self.host)
        server.addRow(self.tr("&Port:"), self.port)
        server.addRow(self.tr("&Database:"), self.database)
        server.addRow(self.tr("&User:"), self.user)
        service = QFormLayout()
        service.addRow(self.tr("Service &name:"), self.service)
        secret = QFormLayout()
        secret.addRow(self.tr("Pass&word:"), self.password)
        note = QLabel(self.tr(
            "The password is used for this connection only and is never saved. To connect without typing it, "
            "ask IT to put it in your pgpass file (~/.pgpass, on Windows %APPDATA%\\postgresql\\pgpass.conf) "
            "or to set up a service in the service file (pg_service.conf): these are PostgreSQL's own files, "
            "FloodPost only reads them through the PostgreSQL client library."), self)
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Connect"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        lay = QVBoxLayout(self)
        lay.addWidget(self.by_server)
        lay.addLayout(server)
        lay.addWidget(self.by_service)
        lay.addLayout(service)
        lay.addLayout(secret)
        lay.addWidget(note)
        lay.addWidget(self.buttons)

        self._server_fields = (self.host, self.port, self.database, self.user)
        for w in (self.by_server, self.by_service):
            w.toggled.connect(self._update)
        for w in (self.host, self.database, self.service):
            w.textChanged.connect(self._update)
        if last is None:
            last = str(QSettings(SETTINGS_ORG, SETTINGS_APP).value(LAST_SHARED) or "")
        if last:
            self.set_location(last)
        self._update()

    def _update(self) -> None:
        server = self.by_server.isChecked()
        for w in self._server_fields:
            w.setEnabled(server)
        self.service.setEnabled(not server)
        ok = bool(self.host.text().strip() and self.database.text().strip()) if server else bool(self.service.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def location(self, with_password: bool = True) -> str:
        """The location to open (with the password typed, if any) or, ``with_password=False``, to remember."""
        password = self.password.text() if with_password else ""
        if self.by_service.isChecked():
            return service_location(self.service.text(), password)
        return server_location(self.host.text(), self.port.value(), self.database.text(), self.user.text(), password)

    def set_location(self, location: str) -> None:
        """Fill the fields from a location opened before (a password in it is not taken)."""
        from urllib.parse import unquote, urlsplit

        text = strip_password(location).strip()
        if not is_shared_location(text):
            return
        if text.startswith("service="):
            self.by_service.setChecked(True)
            self.service.setText(text.split()[0].partition("=")[2].strip("'"))
            return
        if "://" not in text:
            return
        parts = urlsplit(text)
        self.by_server.setChecked(True)
        self.host.setText(parts.hostname or "")
        try:
            self.port.setValue(parts.port or DEFAULT_PORT)
        except ValueError:
            self.port.setValue(DEFAULT_PORT)
        self.database.setText(unquote(parts.path.lstrip("/")))
        self.user.setText(unquote(parts.username or ""))

    def remember(self) -> None:
        """Keep the location (never its password) for the next time the dialog opens."""
        QSettings(SETTINGS_ORG, SETTINGS_APP).setValue(LAST_SHARED, self.location(with_password=False))
