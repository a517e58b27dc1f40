#!/usr/bin/env sh
# Add crmdesk to this user's application menu (or take it out again with --remove).
# Run it from the unpacked crmdesk folder; it points the menu entry at this folder, so
# run it again after moving the folder. Nothing outside your home folder is touched.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/256x256/apps"
if [ "${1:-}" = "--remove" ]; then
  rm -f "$apps/crmdesk.desktop" "$icons/crmdesk.png"
  echo "Removed crmdesk from the application menu."
  exit 0
fi
mkdir -p "$apps" "$icons"
cp "$here/crmdesk.png" "$icons/crmdesk.png"
cat > "$apps/crmdesk.desktop" <<ENTRY
[Desktop Entry]
Type=Application
Name=crmdesk
GenericName=Sales CRM
Comment=Deals, customers, activities and sales reports
Exec="$here/crmdesk"
Icon=crmdesk
Terminal=false
Categories=Office;ProjectManagement;
StartupWMClass=crmdesk
ENTRY
command -v update-desktop-database >/dev/null && update-desktop-database "$apps" 2>/dev/null || true
echo "Added crmdesk to the application menu ($apps/crmdesk.desktop)."
