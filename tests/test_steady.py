"""Labels that change at every slider step keep their size: the window is not laid out again for them."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget

from floodpost.ui.steady import SteadyLabel


def test_a_steady_label_fits_its_longest_text_and_only_grows(qapp) -> None:
    host = QWidget()
    lay = QHBoxLayout(host)
    label = SteadyLabel(lambda: ["截至 2021-07-22 16:00", "Now (all reports)"], least=40)
    lay.addWidget(label)
    host.show()
    qapp.processEvents()
    fm = label.fontMetrics()
    size = label.size()
    assert label.minimumSize() == label.maximumSize() == size  # fixed: Qt lays out nothing else for it
    assert size.width() >= fm.horizontalAdvance("截至 2021-07-22 16:00")
    label.setText("截至 2021-07-23 09:00")
    label.setText("刚刚")
    assert label.size() == size and label.text() == "刚刚"
    long = "截至 2021-07-23 09:00，另有一段比样例更长的说明文字"
    label.setText(long)
    qapp.processEvents()
    assert label.width() >= fm.horizontalAdvance(long) and label.minimumSize() == label.maximumSize()
    host.close()
