"""The installers (issue 16), built on Linux from registry packages only: `python -m installer.windows` (the NSIS
setup .exe) and `python -m installer.deb` (the Debian package). Downloads and unpacked files are cached in build/."""
