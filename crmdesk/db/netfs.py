"""Is an SQLite file on a network share?

SQLite's locking is only as good as the file system's, and network file systems (SMB,
NFS and the like) get it wrong often enough to corrupt a database that two PCs write at
once. A database on a share is for one PC at a time; a team shares a PostgreSQL server
instead (docs/team-setup.md). The app warns when it opens a file on such a share.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path, PureWindowsPath

#: File system types (Linux ``/proc/self/mounts``) that live on another machine.
NETWORK_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "9p",
        "afs",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "ncpfs",
        "coda",
        "davfs",
        "fuse.sshfs",
        "fuse.glusterfs",
        "fuse.davfs2",
        "fuse.rclone",
        "fuse.s3fs",
    }
)
_DRIVE_REMOTE = 4  # GetDriveTypeW


def _unescape(field: str) -> str:
    """Mount points in /proc/mounts escape space, tab, newline and backslash as octal."""
    out, i = [], 0
    while i < len(field):
        code = field[i + 1 : i + 4]
        if field[i] == "\\" and len(code) == 3 and code.isdigit():
            out.append(chr(int(code, 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def linux_network_fs(path: Path, mounts: str) -> str | None:
    """The network file system type holding ``path``, from the text of /proc/mounts
    (the mount with the longest mount point that contains the path); None when local."""
    best: tuple[int, str] | None = None
    target = str(path)
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point, fstype = _unescape(parts[1]), parts[2]
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) > best[0]):
            best = (len(point), fstype)
    if best is None:
        return None
    fstype = best[1]
    return fstype if fstype in NETWORK_TYPES or fstype.startswith("nfs") else None


def windows_network_fs(path: str, drive_type: int | None) -> str | None:
    """ "SMB share" for a UNC path (\\\\server\\share\\...) or a mapped network drive
    (``drive_type`` is what GetDriveTypeW says of the path's root); None when local."""
    win = PureWindowsPath(path)
    if win.drive.startswith("\\\\") and not win.drive.startswith("\\\\?\\"):
        return "SMB share"
    if drive_type == _DRIVE_REMOTE:
        return "network drive"
    return None


def network_filesystem(path: Path) -> str | None:
    """What kind of network file system holds the SQLite file ``path`` (for the warning),
    or None when it is on a local disk or it cannot be told."""
    try:
        resolved = path.resolve()
    except OSError:
        return None
    if sys.platform.startswith("win"):
        drive_type = None
        try:
            import ctypes

            root = os.path.splitdrive(str(resolved))[0] + "\\"
            drive_type = int(ctypes.windll.kernel32.GetDriveTypeW(root))  # type: ignore[attr-defined]
        except (OSError, AttributeError, ValueError):
            pass
        return windows_network_fs(str(resolved), drive_type)
    try:
        mounts = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return linux_network_fs(resolved, mounts)
