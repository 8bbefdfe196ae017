// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {DCAPEvent, DCAPReport, MAAReport, AppPKI} from "./GovernanceTypes.sol";

/// @notice What the KMS governance contract and the application registry share: roles, PKI, workload identities
/// and instance domain names. Identities are scoped to the contract that computes them (address(this)).
abstract contract GovernanceBase is AccessControl, Ownable {
    bytes32 public constant ROLE_OPERATOR = keccak256("ROLE_OPERATOR");

    uint256 public constant MAX_BYTES_SIZE = 20 * 1024;
    uint256 public constant MAX_DOMAIN_NAMES = 256;
    uint256 public constant MAX_DOMAIN_NAME_LENGTH = 253;
    uint256 internal constant MEASUREMENT_LENGTH = 48;

    AppPKI internal _pki;
    string[] internal _instanceDomainNames;
    mapping(bytes32 => bool) internal _domainNameRegistered;

    event PKIUpdated(address updater, AppPKI pki);
    event InstanceDomainRegistered(string domain, address registrar);
    event InstanceDomainRemoved(string domain, address remover);

    error BytesTooLarge(uint256 size, uint256 max);
    error InvalidMeasurementLength(uint256 length);
    error AlreadyRegistered();
    error NotRegistered();
    error LimitReached(uint256 max);
    error InvalidLength(uint256 length);

    constructor(address initialOwner) Ownable(initialOwner) {
        _grantRole(DEFAULT_ADMIN_ROLE, initialOwner);
        _grantRole(ROLE_OPERATOR, initialOwner);
    }

    function setPKI(AppPKI calldata pki) external onlyOwner {
        _checkSize(pki.ca.length);
        _checkSize(pki.pubkey.length);
        _checkSize(pki.attestation.length);
        _pki = pki;
        emit PKIUpdated(msg.sender, pki);
    }

    function PKI() external view returns (AppPKI memory) {
        return _pki;
    }

    /// @notice keccak256(address(this) ‖ RTMR0 ‖ RTMR1 ‖ RTMR2); MRTD, RTMR3 and the config registers only have to be well-formed.
    function DCAPIdentity(DCAPReport calldata report, DCAPEvent[] calldata /* eventLog */) external view returns (bytes32) {
        return _dcapIdentity(report);
    }

    function _dcapIdentity(DCAPReport calldata report) internal view returns (bytes32) {
        _checkMeasurement(report.mrTd);
        for (uint256 i = 0; i < 4; i++) {
            _checkMeasurement(report.RTMRs[i]);
        }
        _checkMeasurement(report.mrOwner);
        _checkMeasurement(report.mrConfigId);
        _checkMeasurement(report.mrConfigOwner);
        return keccak256(abi.encodePacked(address(this), report.RTMRs[0], report.RTMRs[1], report.RTMRs[2]));
    }

    /// @notice keccak256(address(this) ‖ PCR4 ‖ PCR9 ‖ PCR11).
    function MAAIdentity(MAAReport calldata report) public view returns (bytes32) {
        return keccak256(abi.encodePacked(address(this), report.PCRs[4], report.PCRs[9], report.PCRs[11]));
    }

    function registerInstanceDomainName(string calldata domain) external onlyRole(ROLE_OPERATOR) {
        _addUniqueString(_instanceDomainNames, _domainNameRegistered, domain, MAX_DOMAIN_NAME_LENGTH, MAX_DOMAIN_NAMES);
        emit InstanceDomainRegistered(domain, msg.sender);
    }

    /// @notice Addition to the original ABI: domain names can be removed again (owner only).
    function removeInstanceDomainName(string calldata domain) external onlyOwner {
        _removeUniqueString(_instanceDomainNames, _domainNameRegistered, domain);
        emit InstanceDomainRemoved(domain, msg.sender);
    }

    function InstanceDomainNames() external view returns (string[] memory) {
        return _instanceDomainNames;
    }

    function _requireOperator(address operator) internal view {
        require(hasRole(ROLE_OPERATOR, operator), "Operator not authorized");
    }

    function _checkSize(uint256 size) internal pure {
        if (size > MAX_BYTES_SIZE) revert BytesTooLarge(size, MAX_BYTES_SIZE);
    }

    function _checkMeasurement(bytes calldata value) private pure {
        if (value.length != MEASUREMENT_LENGTH) revert InvalidMeasurementLength(value.length);
    }

    /// @dev A bounded set of distinct non-empty strings kept as a list (for the ABI's getters) plus a membership map.
    function _addUniqueString(
        string[] storage list,
        mapping(bytes32 => bool) storage registered,
        string calldata value,
        uint256 maxLength,
        uint256 maxCount
    ) internal {
        uint256 length = bytes(value).length;
        if (length == 0 || length > maxLength) revert InvalidLength(length);
        bytes32 key = keccak256(bytes(value));
        if (registered[key]) revert AlreadyRegistered();
        if (list.length >= maxCount) revert LimitReached(maxCount);
        registered[key] = true;
        list.push(value);
    }

    function _removeUniqueString(
        string[] storage list,
        mapping(bytes32 => bool) storage registered,
        string calldata value
    ) internal {
        bytes32 key = keccak256(bytes(value));
        if (!registered[key]) revert NotRegistered();
        registered[key] = false;
        _removeString(list, key);
    }

    function _removeString(string[] storage list, bytes32 key) private {
        uint256 last = list.length - 1;
        for (uint256 i = 0; i <= last; i++) {
            if (keccak256(bytes(list[i])) == key) {
                if (i != last) {
                    list[i] = list[last];
                }
                list.pop();
                return;
            }
        }
    }
}
