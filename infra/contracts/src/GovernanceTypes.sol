// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Struct layouts are part of the ABI (they define the function selectors): keep field order and types exactly.

/// @notice One TDX event-log entry. Accepted for ABI compatibility; the identity does not depend on it.
struct DCAPEvent {
    uint32 Index;
    uint32 EventType;
    bytes EventPayload;
    bytes32 Digest;
}

/// @notice TDX measurement registers, each exactly 48 bytes.
struct DCAPReport {
    bytes mrTd;
    bytes[4] RTMRs;
    bytes mrOwner;
    bytes mrConfigId;
    bytes mrConfigOwner;
}

/// @notice vTPM PCR values of an Azure confidential VM.
struct MAAReport {
    bytes32[24] PCRs;
}

/// @notice Public key material of an application (or of the KMS itself) with the attestation that binds it.
struct AppPKI {
    bytes ca;
    bytes pubkey;
    bytes attestation;
}

/// @notice A new KMS instance asks to receive the master secret from a running one.
struct OnboardRequest {
    bytes pubkey;
    int256 nonce;
    address operator;
    bytes attestation;
}
