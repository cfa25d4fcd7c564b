#!/usr/bin/env python3
"""Decrypt one sealed-secrets value, independently of vibe, with Python's `cryptography` package.

usage: unseal.py --key PRIVATE_KEY.pem --namespace NS [--name NAME] [--scope strict|namespace-wide|cluster-wide]
       (the base64 value on standard input; the plaintext is written to standard output as raw bytes)

The format is bitnami-labs/sealed-secrets' HybridEncrypt (pkg/crypto/crypto.go):
  value  = base64std( u16-big-endian(len(rsaCT)) || rsaCT || aesCT )
  rsaCT  = RSA-OAEP(SHA-256 for the hash and MGF1, key, 32-byte session key K, label)
  aesCT  = AES-256-GCM(K, nonce = 12 zero bytes, plaintext, no AAD)  (ciphertext || 16-byte tag)
  label  = "<namespace>/<name>" (strict), "<namespace>" (namespace-wide), "" (cluster-wide)

Exit status 0 with the plaintext on success; 1 with a one-line reason when the value does not
decrypt (wrong key, wrong namespace/name/scope, damaged value); 2 on bad usage.
"""
import argparse
import base64
import binascii
import sys

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def label_for(scope: str, namespace: str, name: str) -> bytes:
    if scope == "strict":
        return f"{namespace}/{name}".encode()
    if scope == "namespace-wide":
        return namespace.encode()
    return b""


def unseal(value: bytes, key, label: bytes) -> bytes:
    data = base64.b64decode(value.strip(), validate=True)
    if len(data) < 2:
        raise ValueError("too short for the length prefix")
    rsa_len = int.from_bytes(data[:2], "big")
    rsa_ct, aes_ct = data[2 : 2 + rsa_len], data[2 + rsa_len :]
    if len(rsa_ct) != rsa_len or len(aes_ct) < 16:
        raise ValueError(f"length prefix says {rsa_len} RSA bytes, the value does not hold them and a GCM tag")
    session_key = key.decrypt(
        rsa_ct,
        padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=label or None),
    )
    if len(session_key) != 32:
        raise ValueError(f"session key is {len(session_key)} bytes, not 32")
    return AESGCM(session_key).decrypt(bytes(12), aes_ct, None)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--key", required=True, help="the controller's private key (PEM)")
    ap.add_argument("--namespace", required=True)
    ap.add_argument("--name", default="")
    ap.add_argument("--scope", choices=["strict", "namespace-wide", "cluster-wide"], default="strict")
    args = ap.parse_args()
    if args.scope == "strict" and not args.name:
        ap.error("--scope strict needs --name")
    with open(args.key, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    try:
        plain = unseal(sys.stdin.buffer.read(), key, label_for(args.scope, args.namespace, args.name))
    except (ValueError, InvalidTag, binascii.Error) as e:
        # ValueError is what cryptography raises when OAEP decryption fails (e.g. a wrong label).
        print(f"unseal.py: does not decrypt: {type(e).__name__}: {e or 'authentication failed'}", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(plain)
    return 0


if __name__ == "__main__":
    sys.exit(main())
