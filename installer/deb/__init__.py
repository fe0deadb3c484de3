"""The Debian package (issue 16): `python -m installer.deb --out dist` builds dist/leifeng-desktop_<version>_amd64.deb
with dpkg-deb, offline from registry wheels. The app and its vendored libraries go to /opt/leifeng-desktop/lib,
run by the system's python3 through /usr/bin/leifeng-desktop; data stays in the clerk's own data folder."""
