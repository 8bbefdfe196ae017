// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {GovernanceBase} from "./GovernanceBase.sol";
import {DCAPReport, MAAReport, OnboardRequest} from "./GovernanceTypes.sol";

/// @title KMS governance
/// @notice ABI-compatible with the Go TEE registry system's KMS contract: which workload identities may run the KMS,
/// which applications the KMS serves, and onboarding of new KMS instances. Unlike the original, every change
/// emits an event, duplicates are rejected and the application list is bounded.
contract KmsGovernance is GovernanceBase {
    uint256 public constant MAX_APPLICATIONS = 1024;

    mapping(bytes32 => bool) internal _allowlistedIdentities;
    mapping(bytes32 => OnboardRequest) public onboardRequests;
    address[] internal _applications;
    mapping(address => uint256) internal _applicationPosition; // index + 1; 0 = absent

    event IdentityAllowlisted(bytes32 identity, address owner);
    event IdentityRemoved(bytes32 identity, address owner);
    event ApplicationAllowlisted(address application, address owner);
    event ApplicationRemoved(address application, address owner);
    event OnboardRequested(bytes32 requestHash, address operator);

    error InvalidNonce();

    constructor() GovernanceBase(msg.sender) {}

    function IdentityAllowed(bytes32 identity, address operator) external view returns (bool) {
        _requireOperator(operator);
        return _allowlistedIdentities[identity];
    }

    function allowlistDCAP(DCAPReport calldata report) external onlyOwner returns (bytes32 identity) {
        identity = _dcapIdentity(report);
        _allowlist(identity);
    }

    function allowlistMAA(MAAReport calldata report) external onlyOwner returns (bytes32 identity) {
        identity = MAAIdentity(report);
        _allowlist(identity);
    }

    function allowlistIdentity(bytes32 identity) external onlyOwner {
        _allowlist(identity);
    }

    function removeAllowlistedIdentity(bytes32 identity) external onlyOwner {
        if (!_allowlistedIdentities[identity]) revert NotRegistered();
        _allowlistedIdentities[identity] = false;
        emit IdentityRemoved(identity, msg.sender);
    }

    /// @notice keccak256(abi.encode(pubkey, nonce, operator, attestation)).
    function HashOnboardRequest(OnboardRequest calldata req) public pure returns (bytes32) {
        return keccak256(abi.encode(req.pubkey, req.nonce, req.operator, req.attestation));
    }

    function requestOnboard(OnboardRequest calldata req) external onlyRole(ROLE_OPERATOR) returns (bytes32 requestHash) {
        require(req.operator == msg.sender, "operator must be the sender");
        if (req.nonce == 0) revert InvalidNonce(); // a zero nonce means "no request" to readers
        _checkSize(req.pubkey.length);
        _checkSize(req.attestation.length);
        requestHash = HashOnboardRequest(req);
        if (onboardRequests[requestHash].nonce != 0) revert AlreadyRegistered();
        onboardRequests[requestHash] = req;
        emit OnboardRequested(requestHash, msg.sender);
    }

    function fetchOnboardRequest(bytes32 requestHash) external view returns (OnboardRequest memory) {
        return onboardRequests[requestHash];
    }

    function ApplicationAllowed(address application) external view returns (bool) {
        return _applicationPosition[application] != 0;
    }

    function AllowApplication(address application) external onlyOwner {
        if (_applicationPosition[application] != 0) revert AlreadyRegistered();
        if (_applications.length >= MAX_APPLICATIONS) revert LimitReached(MAX_APPLICATIONS);
        _applications.push(application);
        _applicationPosition[application] = _applications.length;
        emit ApplicationAllowlisted(application, msg.sender);
    }

    function RemoveAllowlistedApplication(address application) external onlyOwner {
        uint256 position = _applicationPosition[application];
        if (position == 0) revert NotRegistered();
        address last = _applications[_applications.length - 1];
        _applications[position - 1] = last;
        _applicationPosition[last] = position;
        _applications.pop();
        delete _applicationPosition[application];
        emit ApplicationRemoved(application, msg.sender);
    }

    /// @notice Addition to the original ABI: the allowlisted applications.
    function AllowedApplications() external view returns (address[] memory) {
        return _applications;
    }

    function _allowlist(bytes32 identity) private {
        if (_allowlistedIdentities[identity]) revert AlreadyRegistered();
        _allowlistedIdentities[identity] = true;
        emit IdentityAllowlisted(identity, msg.sender);
    }
}
