"""Telling a database file on a network share, which the app warns about."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmdesk.db.netfs import linux_network_fs, network_filesystem, windows_network_fs

MOUNTS = """\
/dev/vda1 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
//fileserver/sales /mnt/sales cifs rw,relatime,vers=3.1.1 0 0
nas:/export/crm /srv/crm nfs4 rw,relatime 0 0
/dev/vdb1 /srv/crm/local ext4 rw 0 0
//fs/with\\040space /mnt/with\\040space smb3 rw 0 0
me@host:/home /home/me/remote fuse.sshfs rw 0 0
tmpfs /mnt/salesroom tmpfs rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/mnt/sales/crmdesk.sqlite3", "cifs"),
        ("/mnt/sales", "cifs"),
        ("/srv/crm/team/crmdesk.sqlite3", "nfs4"),
        ("/srv/crm/local/crmdesk.sqlite3", None),  # a local disk mounted inside the share
        ("/mnt/with space/crm.sqlite3", "smb3"),
        ("/home/me/remote/crm.sqlite3", "fuse.sshfs"),
        ("/mnt/salesroom/crm.sqlite3", None),  # not /mnt/sales: a different mount point
        ("/home/me/crm.sqlite3", None),
    ],
)
def test_linux_mounts(path: str, kind: str | None) -> None:
    assert linux_network_fs(Path(path), MOUNTS) == kind


@pytest.mark.parametrize(
    ("path", "drive_type", "kind"),
    [
        (r"\\fileserver\sales\crmdesk.sqlite3", None, "SMB share"),
        (r"Z:\crm\crmdesk.sqlite3", 4, "network drive"),
        (r"C:\Users\ann\AppData\Local\crmdesk\crmdesk.sqlite3", 3, None),
        (r"\\?\C:\long\path\crmdesk.sqlite3", 3, None),
    ],
)
def test_windows_paths(path: str, drive_type: int | None, kind: str | None) -> None:
    assert windows_network_fs(path, drive_type) == kind


def test_a_local_temporary_file_is_not_on_a_share(tmp_path: Path) -> None:
    assert network_filesystem(tmp_path / "crmdesk.sqlite3") is None
