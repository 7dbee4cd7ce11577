"""Showing, saving and printing a rendered PDF exactly as it is (QtPdf, not an HTML view)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QVBoxLayout, QWidget

from kamdesk.core.errors import KamdeskError
from kamdesk.core.files import write_bytes_atomically


def load_document(pdf: bytes, parent: QWidget | None = None) -> tuple[QPdfDocument, QBuffer]:
    """A QPdfDocument over the bytes; keep the returned buffer alive as long as the document."""
    buffer = QBuffer(parent)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument(parent)  # type: ignore[arg-type]  # the stub says QObject; None is fine
    document.load(buffer)
    return document, buffer


class PdfPreview(QDialog):
    """A window showing the PDF as it will print (rendering is asynchronous in QtPdf)."""

    def __init__(self, pdf: bytes, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.document, self._buffer = load_document(pdf, self)
        self.view = QPdfView(self)
        self.view.setAccessibleName(self.tr("Brief preview"))
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.resize(fitting_size(self, QSize(820, 1000)))


def fitting_size(widget: QWidget, wanted: QSize, share: float = 0.9) -> QSize:
    """``wanted``, made to fit the screen the widget (or its parent) is on: at most ``share``
    of the available width and height (820×1000 does not fit a 768-pixel-high laptop)."""
    parent = widget.parentWidget()
    screen = (parent.screen() if parent is not None else None) or widget.screen()
    if screen is None:
        return wanted
    available = screen.availableGeometry()
    return QSize(
        min(wanted.width(), int(available.width() * share)),
        min(wanted.height(), int(available.height() * share)),
    )


def save_pdf(parent: QWidget, pdf: bytes, suggested: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(
        parent, parent.tr("Save the brief"), suggested, "PDF (*.pdf)"
    )
    if not name:
        return None
    path = Path(name)
    try:
        write_bytes_atomically(path, pdf)
    except KamdeskError as exc:
        QMessageBox.critical(parent, parent.tr("Not saved"), str(exc))
        return None
    return path


def print_to(printer: QPrinter, pdf: bytes) -> int:
    """Print every page of the PDF on ``printer``; returns the number of pages printed."""
    document, buffer = load_document(pdf)
    painter = QPainter()
    if not painter.begin(printer):
        raise KamdeskError("The printer could not be started.")
    pages = document.pageCount()
    try:
        resolution = printer.resolution()
        for index in range(pages):
            if index:
                printer.newPage()
            points = document.pagePointSize(index)
            size = QSize(
                int(points.width() / 72 * resolution), int(points.height() / 72 * resolution)
            )
            image = document.render(index, size)
            target = printer.pageLayout().paintRectPixels(resolution)
            painter.drawImage(QRectF(0, 0, target.width(), target.height()), image)
    finally:
        painter.end()
        document.close()
        buffer.close()
    return pages


def print_pdf(parent: QWidget, pdf: bytes) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        try:
            print_to(printer, pdf)
        except KamdeskError as exc:
            QMessageBox.critical(parent, parent.tr("Not printed"), str(exc))
