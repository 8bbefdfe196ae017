#!/usr/bin/env bash
# Sends one signed admin request to a KMS silo with openssl and curl only.
# Usage: kms-admin-curl.sh BASE_URL KEY_ID KEY_PEM METHOD TARGET [BODY_FILE]
#   BASE_URL  e.g. https://kms.example:8443 (no trailing slash)
#   KEY_ID    the id the admin key was registered under at cluster init
#   KEY_PEM   the admin's ECDSA P-256 private key (PEM)
#   METHOD    upper case, e.g. POST
#   TARGET    path and query exactly as sent, e.g. /v1/cluster/init (already percent-encoded)
#   BODY_FILE the exact body bytes to send (JSON); none for a request without a body
set -euo pipefail
base=$1 key_id=$2 key_pem=$3 method=$4 target=$5 body_file=${6:-}

b64url() { basenc --base64url -w0 | tr -d '='; }

timestamp=$(date +%s)
nonce=$(openssl rand 32 | b64url)
body_hash=$(openssl dgst -sha256 -r "${body_file:-/dev/null}" | cut -d' ' -f1)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'orleans-kms-admin-request-v1\n%s\n%s\n%s\n%s\n%s\n%s' \
  "$key_id" "$method" "$target" "$timestamp" "$nonce" "$body_hash" > "$work/message"
openssl dgst -sha256 -sign "$key_pem" -out "$work/signature.der" "$work/message"
# openssl writes DER (a SEQUENCE of the integers r and s); the header wants r||s, 32 bytes each, base64url.
signature=$(openssl asn1parse -inform DER -in "$work/signature.der" \
  | awk -F: '/INTEGER/ { v = toupper($NF); sub(/^0+/, "", v); printf "%064s", v }' | tr ' ' 0 \
  | basenc --base16 -d | b64url)

args=(-sS -X "$method" "$base$target"
  -H "Kms-Admin-Key: $key_id" -H "Kms-Timestamp: $timestamp"
  -H "Kms-Nonce: $nonce" -H "Kms-Signature: $signature")
if [ -n "$body_file" ]; then
  args+=(-H 'Content-Type: application/json' --data-binary "@$body_file")
fi
curl "${args[@]}"
