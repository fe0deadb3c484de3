"""The app's .ico for the shortcuts, the setup program and Programs and Features, drawn from resources/icons/app.svg
at build time. Each size is a PNG inside the .ico (Windows Vista and later read those), written here because Qt's
ico plugin writes one image per file."""
from __future__ import annotations

import os
import struct
from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 256)


def png_images(svg: Path, sizes: tuple[int, ...] = SIZES) -> list[bytes]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer
    from PySide6.QtWidgets import QApplication

    # painting needs an application; a QApplication, so a test process's widgets can use it afterwards
    _app = QApplication.instance() or QApplication([])   # noqa: F841
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise RuntimeError(f"cannot read the icon {svg}")
    images = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stub says bytes, PySide6 6.11 takes str
        buffer.close()
        images.append(bytes(data.data()))
    return images


def ico_bytes(images: list[bytes], sizes: tuple[int, ...] = SIZES) -> bytes:
    """ICONDIR, one ICONDIRENTRY per image (0 means 256), then the PNG data."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in zip(sizes, images):
        edge = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def write_ico(svg: Path, target: Path) -> Path:
    target.write_bytes(ico_bytes(png_images(svg)))
    return target
