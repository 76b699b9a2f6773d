"""Password-protected books: read them in memory, and write outputs encrypted when asked.

The password comes from ``--password`` (a prompt that does not echo), ``$SVCTOOLS_BOOK_PASSWORD``
or the system keyring (service ``svctools-book``); it is never logged or put in a message.
msoffcrypto-tool decrypts into memory, so no plain copy of the book ever touches the disk.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from svctools.core.errors import BookError
from svctools.core.messages import Msg
from svctools.sources.base import OLE

PASSWORD_ENV = "SVCTOOLS_BOOK_PASSWORD"
KEYRING_SERVICE = "svctools-book"


def is_encrypted(path: Path) -> bool:
    """An OLE container holding an encrypted OOXML package (Excel's "Encrypt with Password")."""
    try:
        with open(path, "rb") as handle:
            if handle.read(8) != OLE:
                return False
            import msoffcrypto  # only for an OLE file (2.4 ms of every start otherwise)

            handle.seek(0)
            return bool(msoffcrypto.OfficeFile(handle).is_encrypted())
    except (OSError, Exception):  # not an Office file msoffcrypto knows: not ours to decrypt
        return False


def password_for(path: Path, given: str | None = None) -> str | None:
    """``--password``, then ``$SVCTOOLS_BOOK_PASSWORD``, then the keyring (by file name)."""
    if given:
        return given
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, path.name)
    except Exception:  # no keyring backend on a headless server: not an error
        return None


def decrypt(path: Path, password: str | None) -> io.BytesIO:
    """The decrypted package, in memory; a missing or wrong password is one clear line."""
    import msoffcrypto
    from msoffcrypto.exceptions import DecryptionError, InvalidKeyError

    if not password:
        raise BookError(
            Msg(
                "file.protected_how",
                path=path,
                env=PASSWORD_ENV,
                service=KEYRING_SERVICE,
                name=path.name,
            )
        )
    plain = io.BytesIO()
    try:
        with open(path, "rb") as handle:
            office = msoffcrypto.OfficeFile(handle)
            office.load_key(password=password)
            office.decrypt(plain)
    except (InvalidKeyError, DecryptionError):
        raise BookError(Msg("file.wrong_password", path=path)) from None
    except Exception as exc:  # a damaged container
        raise BookError(Msg("file.cannot_decrypt", path=path, kind=type(exc).__name__)) from None
    plain.seek(0)
    return plain
