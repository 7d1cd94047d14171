"""Failures told to the user in the interface's language.

``floodpost.data`` speaks English and knows no Qt; a file that could not be
written (:class:`~floodpost.data.atomic.OutputError`) arrives here with its
path and cause, and the dialogs show "无法写入 …：磁盘已满" on a Chinese UI.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _causes() -> dict[str, str]:
    # literal calls, so that lupdate finds every cause the data package reports
    return {
        "disk full": QCoreApplication.translate("failures", "the disk is full"),
        "disk quota exceeded": QCoreApplication.translate("failures", "the disk quota is used up"),
        "read-only file system": QCoreApplication.translate("failures", "the disk or folder is read-only"),
        "permission denied": QCoreApplication.translate("failures", "permission denied"),
        "not permitted (file is read-only or immutable)": QCoreApplication.translate(
            "failures", "the file is read-only or locked"),
        "folder does not exist": QCoreApplication.translate("failures", "the folder does not exist"),
        "is a folder": QCoreApplication.translate("failures", "a folder has that name"),
        "file too large": QCoreApplication.translate("failures", "the file is larger than the disk allows"),
        "nothing was written": QCoreApplication.translate("failures", "nothing was written"),
    }


def read_only_text() -> str:
    """Why nothing can be written: the account's role on the workspace (a viewer) or a read-only file."""
    return QCoreApplication.translate("failures", "Read-only: this account has no write permission")


def describe_failure(exc: BaseException) -> str:
    """The message of ``exc`` for a dialog: translated for a file that could not be written,
    a workspace this account may not write, an edit another workstation got to first."""
    from floodpost.data.atomic import OutputError
    from floodpost.data.workspace import ReadOnlyWorkspace, StaleEdit

    if isinstance(exc, ReadOnlyWorkspace):
        return read_only_text()
    if isinstance(exc, StaleEdit):
        return (QCoreApplication.translate("failures", "The record was deleted at another workstation")
                if exc.current is None else
                QCoreApplication.translate("failures", "The record was changed at another workstation"))

    if isinstance(exc, OutputError):
        cause = _causes().get(exc.cause, exc.cause)
        text = QCoreApplication.translate("failures", "Could not write %1: %2")
        return text.replace("%1", str(exc.path)).replace("%2", cause)
    return str(exc) or type(exc).__name__
