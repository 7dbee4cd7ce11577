"""What the e-mail draft to the client will contain, shown before it is written.

The dialog shows the draft read back from its own bytes (``notes_export.describe_eml``): the
addressees, the subject, the text (the HTML part and the attached PDF carry the same), the
attachments, and what was left out because it is for the KAM only. Write keeps the draft,
Cancel writes nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kamdesk.core.documents.notes_export import EmlContents


class EmailPreviewDialog(QDialog):
    def __init__(
        self, contents: EmlContents, left_out: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("E-mail draft to the client"))
        tr = self.tr
        intro = QLabel(tr("This is what the e-mail draft will contain. Check it before it goes."))
        intro.setWordWrap(True)
        head = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        for name, label, value in (
            ("to", tr("To"), contents.to or tr("(nobody: no attendee has an e-mail address)")),
            ("from", tr("From"), contents.sender or tr("(your name is not set)")),
            ("subject", tr("Subject"), contents.subject),
        ):
            value_label = QLabel(value)
            value_label.setWordWrap(True)
            value_label.setTextFormat(Qt.TextFormat.PlainText)  # user text, never markup
            value_label.setAccessibleName(label)
            head.addRow(label, value_label)
            self.fields[name] = value_label
        self.body = QPlainTextEdit(self)
        self.body.setReadOnly(True)
        self.body.setPlainText(contents.text)
        self.body.setAccessibleName(tr("Text of the e-mail"))
        attached = ", ".join(contents.attachments) or tr("nothing")
        also = tr("Attached: {files}.").format(files=attached)
        if contents.html:
            also += " " + tr("The same text also goes as HTML and in the attached PDF.")
        self.attachments = QLabel(also)
        self.attachments.setWordWrap(True)
        self.left_out = QLabel(
            tr("Left out, for you only: {what}.").format(what="; ".join(left_out))
            if left_out
            else tr("Nothing was left out.")
        )
        self.left_out.setWordWrap(True)
        self.left_out.setAccessibleName(tr("Left out of the e-mail"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Write the draft"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(head)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.attachments)
        layout.addWidget(self.left_out)
        layout.addWidget(self.buttons)
        self.resize(680, 560)
