"""The Windows setup program (issue 16): `python -m installer.windows --out dist` builds the payload
(build/windows/payload, payload.py) and `dist/LeifengDesktop-Setup-<version>.exe` with NSIS (nsis.py)."""
