# Build crmdesk as a one-folder app in dist\crmdesk (Windows), with PyInstaller.
#
#   powershell -ExecutionPolicy Bypass -File build_spec\build.ps1            # dist\crmdesk
#   powershell -ExecutionPolicy Bypass -File build_spec\build.ps1 -Archive   # and a .zip
#   powershell -ExecutionPolicy Bypass -File build_spec\build.ps1 -Check     # then check it
#
# Needs Python 3.11 or newer (py launcher or python on PATH). The first run makes .venv
# and installs crmdesk with its build extra into it; later runs reuse it.
# dist\crmdesk\crmdesk.exe opens the window; dist\crmdesk\crmdesk-cli.exe is the same
# program for a terminal (--version, --self-test, reports, backups).
param(
    [switch]$Archive,
    [switch]$Check
)
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")

$python = ".venv\Scripts\python.exe"
if (-not (Test-Path $python)) {
    if (Get-Command py -ErrorAction SilentlyContinue) { py -3 -m venv .venv }
    else { python -m venv .venv }
    if ($LASTEXITCODE -ne 0) { throw "could not create .venv (is Python 3.11+ installed?)" }
}
& $python -m pip install --quiet --disable-pip-version-check -e ".[build]"
if ($LASTEXITCODE -ne 0) { throw "pip install -e .[build] failed" }

$started = Get-Date
if (Test-Path dist\crmdesk) { Remove-Item -Recurse -Force dist\crmdesk }
& $python -m PyInstaller --noconfirm --log-level WARN `
    --distpath dist --workpath build\pyinstaller build_spec\crmdesk.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

$version = (& dist\crmdesk\crmdesk-cli.exe --version).Split(" ")[1]
if ($LASTEXITCODE -ne 0) { throw "the built crmdesk-cli.exe --version failed" }
$seconds = [int]((Get-Date) - $started).TotalSeconds
$bytes = (Get-ChildItem -Recurse -File dist\crmdesk | Measure-Object -Sum Length).Sum
Write-Host ("build.ps1: dist\crmdesk (crmdesk {0}): {1:N0} MB, built in {2} s" -f `
    $version, ($bytes / 1MB), $seconds)

if ($Archive) {
    $zip = "dist\crmdesk-$version-windows-x64.zip"
    if (Test-Path $zip) { Remove-Item $zip }
    Compress-Archive -Path dist\crmdesk -DestinationPath $zip
    Write-Host "build.ps1: $zip"
}
if ($Check) {
    & $python build_spec\check_bundle.py dist\crmdesk
    if ($LASTEXITCODE -ne 0) { throw "the bundle check failed" }
}
