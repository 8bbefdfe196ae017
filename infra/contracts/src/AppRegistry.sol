// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {GovernanceBase} from "./GovernanceBase.sol";
import {DCAPEvent, DCAPReport, MAAReport} from "./GovernanceTypes.sol";

/// @title Application registry
/// @notice ABI-compatible with the Go TEE registry system's per-application Registry contract: which workload
/// identity gets which config, storage backends for configs and secrets, and content-addressed artifacts.
/// Unlike the original, every change emits an event, duplicates are rejected and lists are bounded.
contract AppRegistry is GovernanceBase {
    bytes32 public constant ROLE_METADATA = keccak256("ROLE_METADATA");
    bytes32 public constant ROLE_INSTANCE = keccak256("ROLE_INSTANCE");

    uint256 public constant MAX_STORAGE_BACKENDS = 64;
    uint256 public constant MAX_STORAGE_BACKEND_LENGTH = 1024;

    mapping(bytes32 => bytes32) internal _identityConfigMap;
    string[] internal _storageBackends;
    mapping(bytes32 => bool) internal _storageBackendRegistered;
    mapping(bytes32 => bytes) internal _artifacts;

    event IdentityConfigSet(bytes32 identity, bytes32 configHash, address setter);
    event IdentityConfigRemoved(bytes32 identity, address remover);
    event StorageBackendSet(string location, address setter);
    event StorageBackendRemoved(string location, address remover);
    event ArtifactAdded(bytes32 artifactHash, address adder);

    error ZeroConfigHash();

    constructor() GovernanceBase(msg.sender) {
        _grantRole(ROLE_METADATA, msg.sender);
        _grantRole(ROLE_INSTANCE, msg.sender);
    }

    /// @notice True when a config is mapped to the identity (the operator must hold ROLE_OPERATOR).
    function IdentityAllowed(bytes32 identity, address operator) external view returns (bool) {
        _requireOperator(operator);
        return _identityConfigMap[identity] != bytes32(0);
    }

    function ConfigForIdentity(bytes32 identity, address operator) external view returns (bytes32) {
        _requireOperator(operator);
        bytes32 configHash = _identityConfigMap[identity];
        require(configHash != bytes32(0), "Config not mapped");
        return configHash;
    }

    function setConfigForDCAP(DCAPReport calldata report, DCAPEvent[] calldata /* eventLog */, bytes32 configHash) external onlyOwner {
        _setConfig(_dcapIdentity(report), configHash);
    }

    function setConfigForMAA(MAAReport calldata report, bytes32 configHash) external onlyOwner {
        _setConfig(MAAIdentity(report), configHash);
    }

    function setConfigForIdentity(bytes32 identity, bytes32 configHash) external onlyOwner {
        _setConfig(identity, configHash);
    }

    function removeConfigMapForIdentity(bytes32 identity) external onlyOwner {
        if (_identityConfigMap[identity] == bytes32(0)) revert NotRegistered();
        delete _identityConfigMap[identity];
        emit IdentityConfigRemoved(identity, msg.sender);
    }

    function setStorageBackend(string calldata location) external onlyOwner {
        _addUniqueString(_storageBackends, _storageBackendRegistered, location, MAX_STORAGE_BACKEND_LENGTH, MAX_STORAGE_BACKENDS);
        emit StorageBackendSet(location, msg.sender);
    }

    function removeStorageBackend(string calldata location) external onlyOwner {
        _removeUniqueString(_storageBackends, _storageBackendRegistered, location);
        emit StorageBackendRemoved(location, msg.sender);
    }

    function StorageBackends() external view returns (string[] memory) {
        return _storageBackends;
    }

    /// @notice Stores data under sha256(data); adding the same bytes twice is rejected.
    function addArtifact(bytes calldata data) external onlyRole(ROLE_METADATA) returns (bytes32 artifactHash) {
        if (data.length == 0) revert InvalidLength(0);
        _checkSize(data.length);
        artifactHash = sha256(data);
        if (_artifacts[artifactHash].length != 0) revert AlreadyRegistered();
        _artifacts[artifactHash] = data;
        emit ArtifactAdded(artifactHash, msg.sender);
    }

    function getArtifact(bytes32 artifactHash) external view returns (bytes memory) {
        bytes memory data = _artifacts[artifactHash];
        require(data.length != 0, "Artifact does not exist");
        return data;
    }

    function _setConfig(bytes32 identity, bytes32 configHash) private {
        if (configHash == bytes32(0)) revert ZeroConfigHash(); // zero means "not mapped" to readers
        _identityConfigMap[identity] = configHash;
        emit IdentityConfigSet(identity, configHash, msg.sender);
    }
}
