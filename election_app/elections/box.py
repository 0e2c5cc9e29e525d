"""The sealed ballot box of a round (RULES §5): while a round is open, every electronic
ballot is stored only as a libsodium sealed box (PyNaCl ``SealedBox``: X25519 +
XSalsa20-Poly1305, an ephemeral sender key per ballot) to the round's public key.

The round's private key is never stored in clear. It is wrapped (``SecretBox``) with either
- ``server`` mode (default): a key derived from the app's SECRET_KEY and a random per-round
  salt (kept with the round, so a restored backup still opens on a server with the same
  SECRET_KEY); a copy of the database alone (file, WAL, backup, replica, a SELECT-only role)
  cannot open the box; whoever holds both the database and SECRET_KEY could, while the
  round is open;
- ``passphrase`` mode: a key derived with Argon2id from a passphrase the board chooses at
  open and types again at close. Neither the database nor the server's files can then open
  the box before close.
At close the box is opened in memory, the wrapped key is erased and the ciphertexts are
deleted (see elections.services.close_round).

Every ballot's plaintext is padded to one length per round, so that the ciphertext length
says nothing of how many names were kept. No Flask import here."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from functools import lru_cache

import nacl.exceptions
import nacl.pwhash
import nacl.secret
import nacl.utils
from nacl.bindings import crypto_box_seal
from nacl.public import PrivateKey, PublicKey, SealedBox

MODE_SERVER = "server"
MODE_PASSPHRASE = "passphrase"
MIN_PASSPHRASE = 10
# Argon2id at libsodium's "moderate" limits (~0.3–0.7 s, 256 MiB), paid once at open and once at close.
OPSLIMIT = nacl.pwhash.argon2id.OPSLIMIT_MODERATE
MEMLIMIT = nacl.pwhash.argon2id.MEMLIMIT_MODERATE


class BoxError(Exception):
    """The box cannot be opened (wrong passphrase, changed SECRET_KEY, damaged key)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def _server_key(secret: str, salt: bytes) -> bytes:
    """SECRET_KEY-derived wrapping key, apart for each round by the round's random salt (not
    its id, which a restored backup renumbers)."""
    root = hmac.new(secret.encode(), b"election_app/ballot-box/v1", hashlib.sha256).digest()
    return hmac.new(root, b"round:" + salt, hashlib.sha256).digest()


def _passphrase_key(passphrase: str, salt: bytes) -> bytes:
    return nacl.pwhash.argon2id.kdf(nacl.secret.SecretBox.KEY_SIZE, passphrase.encode("utf-8"), salt,
                                    opslimit=OPSLIMIT, memlimit=MEMLIMIT)


def new_box(*, round_id: int, secret: str, passphrase: str | None = None) -> dict:
    """A fresh key pair for a round: {"public_key", "wrapped_key", "salt", "mode"} as text
    columns. The private key leaves this function only wrapped."""
    private = PrivateKey.generate()
    if passphrase:
        salt = nacl.utils.random(nacl.pwhash.argon2id.SALTBYTES)
        key, mode = _passphrase_key(passphrase, salt), MODE_PASSPHRASE
    else:
        salt = nacl.utils.random(16)
        key, mode = _server_key(secret, salt), MODE_SERVER
    wrapped = nacl.secret.SecretBox(key).encrypt(bytes(private))
    return {"public_key": _b64(bytes(private.public_key)), "wrapped_key": _b64(bytes(wrapped)),
            "salt": _b64(salt), "mode": mode}


def unwrap(*, round_id: int, wrapped_key: str, salt: str, mode: str, secret: str,
           passphrase: str | None = None) -> PrivateKey:
    """The round's private key, in memory only. Raises ``BoxError``."""
    if mode == MODE_PASSPHRASE:
        if not passphrase:
            raise BoxError("passphrase needed")
        key = _passphrase_key(passphrase, _unb64(salt))
    else:
        key = _server_key(secret, _unb64(salt))
    try:
        return PrivateKey(nacl.secret.SecretBox(key).decrypt(_unb64(wrapped_key)))
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
        raise BoxError("cannot unwrap") from exc


def padded_size(n_candidates: int, yes_no: bool = False) -> int:
    """One plaintext length for every ballot of a round with ``n_candidates`` names (an
    agree/disagree round's ballots carry a second list: the names disagreed)."""
    raw = 64 + 12 * max(n_candidates, 1) + (16 if yes_no else 0)
    return (raw + 63) // 64 * 64


def seal(public_key: str, *, kept: list[int], receipt: str, size: int, against: list[int] | None = None) -> bytes:
    """Encrypt one ballot (the kept candidate ids, on an agree/disagree ballot also the ids
    disagreed, and its receipt code) to the round."""
    data: dict = {"k": sorted(kept), "r": receipt}
    if against is not None:
        data["a"] = sorted(against)
    body = json.dumps(data, separators=(",", ":")).encode()
    if len(body) > size:
        raise ValueError("ballot larger than the round's padded size")
    # libsodium's crypto_box_seal, as SealedBox(PublicKey(...)).encrypt does, without decoding
    # and checking the round's key again for every ballot (issue 17 §1)
    return crypto_box_seal(body + b" " * (size - len(body)), _public_key_bytes(public_key))


@lru_cache(maxsize=64)
def _public_key_bytes(public_key: str) -> bytes:
    return bytes(PublicKey(_unb64(public_key)))


def open_all(private: PrivateKey, ciphertexts) -> list[dict]:
    """Decrypt every ciphertext: [{"kept": [...], "receipt": "..."}]. Raises ``BoxError`` if
    any ballot does not open (a forged or damaged row: the count must not go on)."""
    box = SealedBox(private)
    out = []
    for ct in ciphertexts:
        try:
            data = json.loads(box.decrypt(bytes(ct)).rstrip(b" "))
        except (nacl.exceptions.CryptoError, ValueError) as exc:
            raise BoxError("a ballot does not open") from exc
        ballot = {"kept": [int(i) for i in data["k"]], "receipt": str(data["r"])}
        if "a" in data:
            ballot["against"] = [int(i) for i in data["a"]]
        out.append(ballot)
    return out


# --- documents that carry voting links --------------------------------------------------

def _document_key(secret: str, name: str) -> bytes:
    root = hmac.new(secret.encode(), b"election_app/credential-document/v1", hashlib.sha256).digest()
    return hmac.new(root, name.encode(), hashlib.sha256).digest()


def seal_document(data: bytes, *, secret: str, name: str) -> bytes:
    """Encrypt a file that carries voting tokens (delegate cards with personal voting QRs)
    while it waits in the database to be downloaded: a copy of the database alone never
    holds a token in clear. ``name`` (the job id) keeps each file's key apart."""
    return bytes(nacl.secret.SecretBox(_document_key(secret, name)).encrypt(data))


def open_document(data: bytes, *, secret: str, name: str) -> bytes:
    try:
        return nacl.secret.SecretBox(_document_key(secret, name)).decrypt(bytes(data))
    except nacl.exceptions.CryptoError as exc:
        raise BoxError("document does not open") from exc
