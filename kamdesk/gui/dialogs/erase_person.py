"""Erasing a person for good: what goes, the reason (recorded, never who), then what is left.

The dialog asks; the caller's ``erase(reason, done, failed)`` does the work, possibly off the
GUI thread (``PeopleView.start_erase``), and calls back on the GUI thread.
First it explains what is removed, that this cannot be undone and that backups keep the person
until they rotate out, and lists the texts that name them and will stay. After the erasure it
shows the record's reference and the texts the KAM should now edit. A reason that is refused
(missing, or naming the person) is explained under the field and nothing is erased.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kamdesk.core import privacy
from kamdesk.core.account.editing import FieldError
from kamdesk.core.errors import KamdeskError
from kamdesk.gui import operations

# erase(reason, done, failed): does the work and calls back on the GUI thread
EraseFn = Callable[
    [str, Callable[[privacy.ErasureResult], None], Callable[[BaseException], None]], None
]


class ErasePersonDialog(QDialog):
    def __init__(
        self,
        plan: privacy.ErasurePreview,
        erase: EraseFn,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.plan, self._erase = plan, erase
        self.result_: privacy.ErasureResult | None = None
        self.busy = False
        self.setWindowTitle(self.tr("Erase {name}").format(name=plan.name))
        layout = QVBoxLayout(self)
        c = plan.counts
        self.explanation = QLabel(
            self.tr(
                "<p><b>Erasing removes {name} for good.</b> This cannot be undone, not even with "
                "Undo (Ctrl+Z).</p>"
                "<p>Removed: their profile and personal notes, their relationship plan "
                "({steps} steps), relations ({relations}), meeting invitations ({attended}) and "
                "presences ({present}), and their place on the relationship map. Complaints "
                "they raised ({issues}) stay, without their name. Action items they own "
                "({owners}) will read “{erased}”. The search index and the file's free space "
                "are cleared too.</p>"
                "<p>Backups made before now still hold {name} until they rotate out.</p>"
            ).format(
                name=_html(plan.name),
                steps=c["relationship_steps"],
                relations=c["relations"],
                attended=c["meeting_attendances"],
                present=c["presences"],
                issues=c["issues_unlinked"],
                owners=c["action_owners_replaced"],
                erased=privacy.ERASED,
            ),
            self,
        )
        self.explanation.setTextFormat(Qt.TextFormat.RichText)
        self.explanation.setWordWrap(True)
        layout.addWidget(self.explanation)

        self.backups_label = QLabel(self)
        self.backups_label.setWordWrap(True)
        layout.addWidget(self.backups_label)
        self.backups = QListWidget(self)
        self.backups.setAccessibleName(self.tr("Backups that still hold this person"))
        self.backups.setMaximumHeight(90)
        layout.addWidget(self.backups)

        self.mentions_label = QLabel(
            self.tr("These texts name them and are not changed (edit them yourself afterwards):"),
            self,
        )
        self.mentions_label.setWordWrap(True)
        layout.addWidget(self.mentions_label)
        self.mentions = QListWidget(self)
        self.mentions.setAccessibleName(self.tr("Texts that still name this person"))
        self.mentions.setWordWrap(True)
        layout.addWidget(self.mentions)

        self.reason_label = QLabel(
            self.tr(
                "Why are they erased? (Recorded with the date, for your records. Do not name "
                "them: the record must not say who was erased.)"
            ),
            self,
        )
        self.reason_label.setWordWrap(True)
        layout.addWidget(self.reason_label)
        self.reason = QPlainTextEdit(self)
        self.reason.setAccessibleName(self.tr("Reason for the erasure"))
        self.reason.setPlaceholderText(self.tr("e.g. their request by e-mail of 20 November"))
        self.reason.setMaximumHeight(70)
        self.reason.setTabChangesFocus(True)
        layout.addWidget(self.reason)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)

        self.buttons = QDialogButtonBox(self)
        self.erase_button = QPushButton(self.tr("Erase for good"), self)
        self.buttons.addButton(self.erase_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        layout.addWidget(self.buttons)
        self.erase_button.clicked.connect(self.do_erase)
        self.buttons.rejected.connect(self.reject)
        self.reason.textChanged.connect(self._update)

        self._show_backups(plan.backups)
        self._show_mentions(plan.mentions)
        self._update()
        self.resize(640, 620)

    def _update(self) -> None:
        self.erase_button.setEnabled(
            self.result_ is None and not self.busy and bool(self.reason_text())
        )

    def reason_text(self) -> str:
        return self.reason.toPlainText().strip()

    def _show_backups(self, checks: list[privacy.BackupCheck]) -> None:
        self.backups.clear()
        holding = [c for c in checks if c.holds is not False]
        for check in holding:
            state = "" if check.holds else self.tr(" (could not be read: check it yourself)")
            self.backups.addItem(f"{check.path}{state}")
        self.backups.setVisible(bool(holding))
        if holding:
            self.backups_label.setText(
                self.tr(
                    "These backups hold them until they rotate out (delete them yourself if "
                    "they must go sooner):"
                )
            )
        else:
            self.backups_label.setText(self.tr("No backup of this dossier holds them."))

    def _show_mentions(self, mentions: list[privacy.Mention]) -> None:
        self.mentions.clear()
        for mention in mentions:
            sure = "" if mention.certain else self.tr(" (possible match)")
            item = QListWidgetItem(f"{mention.where}{sure}\n{mention.excerpt}")
            item.setData(Qt.ItemDataRole.UserRole, mention.meeting_key)
            self.mentions.addItem(item)
        if not mentions:
            self.mentions.addItem(self.tr("No other text names them."))

    def do_erase(self) -> None:
        reason = self.reason_text()
        if not reason or self.result_ is not None or self.busy:
            return
        self.busy = True
        self.erase_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.error.setStyleSheet("")
        self.error.setText(self.tr("Erasing and compacting the file…"))
        self.error.show()
        self._erase(reason, self._erased, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.cancel_button.setEnabled(True)
        self.error.setStyleSheet("color: #c62828;")
        if isinstance(exc, FieldError):
            self.error.setText(exc.message)
        elif isinstance(exc, KamdeskError):
            self.error.setText(str(exc))
        else:
            self.error.setText(
                self.tr("The erasure failed: {error}").format(error=operations.failure_text(exc))
            )
        self._update()

    def _erased(self, result: privacy.ErasureResult) -> None:
        self.busy = False
        self.cancel_button.setEnabled(True)
        self.result_ = result
        self.error.hide()
        self.setWindowTitle(self.tr("Erased"))
        lines = [
            self.tr("<p><b>{name} was erased.</b> Record {ref} keeps when and why, not who.</p>")
            .replace("{name}", _html(self.plan.name))
            .replace("{ref}", _html(result.reference))
        ]
        if not result.purged and result.purge_problem:
            lines.append(f"<p style='color:#c62828'>{_html(result.purge_problem)}</p>")
        self.explanation.setText("".join(lines))
        self.mentions_label.setText(self.tr("Edit these texts: they still name them."))
        self._show_mentions(result.mentions)
        self._show_backups(result.backups)
        self.reason.setReadOnly(True)
        self.reason_label.setText(self.tr("Reason recorded:"))
        self.erase_button.hide()
        self.cancel_button.setText(self.tr("Close"))
        self._update()


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
