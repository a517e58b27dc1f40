"""Make the app icon's PNG sizes and the Windows ICO from its SVG drawings, with Qt only.

    .venv/bin/python build_spec/make_icons.py          # rewrites resources/app/*.png, *.ico
    .venv/bin/python build_spec/make_icons.py --check  # exit 1 if they differ from the SVGs

``resources/app/crmdesk-small.svg`` (bolder shapes) draws the sizes up to 32 pixels,
``resources/app/crmdesk.svg`` the larger ones. The ICO holds 16 to 256 pixels: the sizes
up to 128 as 32-bit bitmaps with alpha, 256 as PNG, the layout Windows expects; Qt's
own ICO plugin reads every size back in the tests.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
from PySide6.QtSvg import QSvgRenderer

APP = Path(__file__).resolve().parent.parent / "resources" / "app"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
SMALL_UP_TO = 32


def render(size: int) -> QImage:
    """The icon at ``size`` pixels, drawn from the SVG meant for that size."""
    name = "crmdesk-small.svg" if size <= SMALL_UP_TO else "crmdesk.svg"
    renderer = QSvgRenderer(str(APP / name))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: cannot read {APP / name}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def encode(image: QImage, fmt: str) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, fmt.encode())
    if not writer.write(image):
        raise SystemExit(f"make_icons: Qt cannot write {fmt}: {writer.errorString()}")
    buffer.close()
    return bytes(data.data())


def dib(image: QImage) -> bytes:
    """``image`` as an ICO bitmap entry: a BITMAPINFOHEADER of twice the height, the
    32-bit BGRA rows bottom-up, then the 1-bit AND mask (set where fully transparent)."""
    size = image.width()
    header = struct.pack("<IiiHHIIiiII", 40, size, 2 * size, 1, 32, 0, 0, 0, 0, 0, 0)
    bits = image.constBits().tobytes()  # ARGB32 is B, G, R, A in memory on every platform
    stride = image.bytesPerLine()
    rows = [bits[y * stride : y * stride + 4 * size] for y in range(size)]
    mask_stride = (size + 31) // 32 * 4
    masks = []
    for row in rows:
        mask = bytearray(mask_stride)
        for x in range(size):
            if row[4 * x + 3] == 0:
                mask[x // 8] |= 0x80 >> (x % 8)
        masks.append(bytes(mask))
    return header + b"".join(reversed(rows)) + b"".join(reversed(masks))


def ico(images: dict[int, QImage]) -> bytes:
    """One ICO file holding every size: bitmaps up to 128 pixels, PNG at 256.

    Qt's ICO writer stores one image per file and leaves the mask's row padding
    uninitialised (the file would change on every run), so the entries are written here;
    ``tests/ui/test_resources.py`` reads every size back through Qt's ICO plugin.
    """
    entries: list[tuple[int, bytes]] = []
    for size, image in sorted(images.items()):
        if image.format() != QImage.Format.Format_ARGB32 or image.width() != image.height():
            raise ValueError("ico: square ARGB32 images only")
        entries.append((size, encode(image, "png") if size >= 256 else dib(image)))
    header = struct.pack("<HHH", 0, 1, len(entries))
    offset = len(header) + 16 * len(entries)
    directory, blobs = b"", b""
    for size, data in entries:
        side = 0 if size >= 256 else size  # 0 means 256
        directory += struct.pack(
            "<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset + len(blobs)
        )
        blobs += data
    return header + directory + blobs


def outputs() -> dict[Path, bytes]:
    images = {size: render(size) for size in PNG_SIZES}
    files = {APP / f"crmdesk-{size}.png": encode(image, "png") for size, image in images.items()}
    files[APP / "crmdesk.ico"] = ico({size: images[size] for size in ICO_SIZES})
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only compare with the files in resources/app"
    )
    args = parser.parse_args(argv)
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    stale = []
    for path, data in outputs().items():
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(path.name)
        else:
            path.write_bytes(data)
            print(f"wrote {path.relative_to(APP.parent.parent)} ({len(data):,} bytes)")
    del app
    if stale:
        print(f"make_icons: out of date: {', '.join(stale)}; run build_spec/make_icons.py")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
