-- Orleans.Kms schema version 1 for PostgreSQL 15: the tables, functions and OrleansQuery rows that the
-- Microsoft.Orleans ADO.NET providers 10.4.2 (clustering, grain storage, reminders) read and call.
--
-- Contract (read from the providers, not from their scripts):
--   * each provider loads its queries with "SELECT QueryKey, QueryText FROM OrleansQuery" and binds
--     parameters by name (@DeploymentId, @GrainIdHash, ...); the result columns it reads are named below with
--     quoted aliases so that their spelling is exact;
--   * versions are integers: the membership table version, a grain state's ETag and a reminder's ETag;
--   * a version-checked write that loses returns NULL (or the caller's own version), never an error, and the
--     provider turns that into a conflict (InconsistentStateException for grain state, false for membership).
--
-- Timestamps are timestamptz: the providers send UTC DateTime values and read them back as UTC.
-- PostgresSchemaMigrator runs this whole file in one transaction under an advisory lock.

CREATE TABLE orleansquery
(
    querykey  varchar(64) NOT NULL PRIMARY KEY,
    querytext text        NOT NULL
);

-- Membership: one version row per cluster (DeploymentId = Orleans' ClusterId) and one row per silo
-- incarnation. Every insert or update of a silo row bumps the version row first, under the version the silo
-- read: this optimistic check is what serializes membership changes across silos.
CREATE TABLE orleansmembershipversiontable
(
    deploymentid varchar(150) NOT NULL PRIMARY KEY,
    timestamp    timestamptz  NOT NULL DEFAULT now(),
    version      integer      NOT NULL DEFAULT 0
);

CREATE TABLE orleansmembershiptable
(
    deploymentid varchar(150)  NOT NULL REFERENCES orleansmembershipversiontable (deploymentid) ON DELETE CASCADE,
    address      varchar(45)   NOT NULL,
    port         integer       NOT NULL,
    generation   integer       NOT NULL,
    siloname     varchar(150)  NOT NULL,
    hostname     varchar(150)  NOT NULL,
    status       integer       NOT NULL,
    proxyport    integer       NULL,
    suspecttimes varchar(8000) NULL,
    starttime    timestamptz   NOT NULL,
    iamalivetime timestamptz   NOT NULL,
    PRIMARY KEY (deploymentid, address, port, generation)
);

CREATE FUNCTION kms_orleans_insert_membership(
    p_deployment_id text, p_address text, p_port integer, p_generation integer, p_silo_name text,
    p_host_name text, p_status integer, p_proxy_port integer, p_start_time timestamptz,
    p_i_am_alive_time timestamptz, p_version integer)
    RETURNS boolean
    LANGUAGE plpgsql AS
$$
BEGIN
    UPDATE orleansmembershipversiontable
    SET version = version + 1, timestamp = now()
    WHERE deploymentid = p_deployment_id AND version = p_version;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    INSERT INTO orleansmembershiptable (deploymentid, address, port, generation, siloname, hostname, status,
                                        proxyport, starttime, iamalivetime)
    VALUES (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port,
            p_start_time, p_i_am_alive_time);
    RETURN true;
EXCEPTION
    -- The silo row exists already: the block's subtransaction is rolled back, the version bump with it.
    WHEN unique_violation THEN
        RETURN false;
END;
$$;

CREATE FUNCTION kms_orleans_update_membership(
    p_deployment_id text, p_address text, p_port integer, p_generation integer, p_status integer,
    p_suspect_times text, p_i_am_alive_time timestamptz, p_version integer)
    RETURNS boolean
    LANGUAGE plpgsql AS
$$
BEGIN
    UPDATE orleansmembershipversiontable
    SET version = version + 1, timestamp = now()
    WHERE deploymentid = p_deployment_id AND version = p_version;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE orleansmembershiptable
    SET status = p_status, suspecttimes = p_suspect_times, iamalivetime = p_i_am_alive_time
    WHERE deploymentid = p_deployment_id AND address = p_address AND port = p_port AND generation = p_generation;
    IF NOT FOUND THEN
        -- Unknown silo row: raising rolls the version bump back with the block's subtransaction.
        RAISE EXCEPTION USING ERRCODE = 'no_data_found';
    END IF;
    RETURN true;
EXCEPTION
    WHEN no_data_found THEN
        RETURN false;
END;
$$;

-- Grain state. A row is identified by the service, the grain type and the grain id (two 64-bit parts and an
-- optional string part); the two hashes only narrow the index. The unique index makes a racing second "first
-- write" (no ETag) lose instead of creating a duplicate row.
CREATE TABLE orleansstorage
(
    grainidhash            integer       NOT NULL,
    grainidn0              bigint        NOT NULL,
    grainidn1              bigint        NOT NULL,
    graintypehash          integer       NOT NULL,
    graintypestring        varchar(512)  NOT NULL,
    grainidextensionstring varchar(1024) NULL,
    serviceid              varchar(150)  NOT NULL,
    payloadbinary          bytea         NULL,
    modifiedon             timestamptz   NOT NULL,
    version                integer       NOT NULL
);

CREATE UNIQUE INDEX ix_orleansstorage_grain ON orleansstorage
    (grainidhash, graintypehash, serviceid, grainidn0, grainidn1, graintypestring, grainidextensionstring)
    NULLS NOT DISTINCT;

-- Changes the row at the expected version: a new payload (NULL when clearing, which keeps the row so that the
-- version keeps growing and a stale ETag never matches again) or, with p_delete, removal. Returns the row's next
-- version (never the caller's ETag, which the provider would read as a conflict), or NULL when the expected
-- version does not match. FOR UPDATE makes a concurrent change wait and then see the version it bumped.
CREATE FUNCTION kms_orleans_change_storage(
    p_grain_id_hash integer, p_grain_id_n0 bigint, p_grain_id_n1 bigint, p_grain_type_hash integer,
    p_grain_type_string text, p_grain_id_extension_string text, p_service_id text, p_grain_state_version integer,
    p_payload_binary bytea, p_delete boolean)
    RETURNS integer
    LANGUAGE plpgsql AS
$$
DECLARE
    row_id      tid;
    old_version integer;
BEGIN
    SELECT ctid, version INTO row_id, old_version
    FROM orleansstorage
    WHERE grainidhash = p_grain_id_hash AND graintypehash = p_grain_type_hash AND serviceid = p_service_id
      AND grainidn0 = p_grain_id_n0 AND grainidn1 = p_grain_id_n1 AND graintypestring = p_grain_type_string
      AND grainidextensionstring IS NOT DISTINCT FROM p_grain_id_extension_string
      AND version = p_grain_state_version
    FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;

    IF p_delete THEN
        DELETE FROM orleansstorage WHERE ctid = row_id;
    ELSE
        UPDATE orleansstorage
        SET payloadbinary = p_payload_binary, modifiedon = now(), version = old_version + 1
        WHERE ctid = row_id;
    END IF;
    RETURN old_version + 1;
END;
$$;

-- Returns the new version, or NULL when the expected version (NULL: "no row yet") does not match.
CREATE FUNCTION kms_orleans_write_to_storage(
    p_grain_id_hash integer, p_grain_id_n0 bigint, p_grain_id_n1 bigint, p_grain_type_hash integer,
    p_grain_type_string text, p_grain_id_extension_string text, p_service_id text, p_grain_state_version integer,
    p_payload_binary bytea)
    RETURNS integer
    LANGUAGE plpgsql AS
$$
DECLARE
    new_version integer;
BEGIN
    IF p_grain_state_version IS NOT NULL THEN
        RETURN kms_orleans_change_storage(p_grain_id_hash, p_grain_id_n0, p_grain_id_n1, p_grain_type_hash,
            p_grain_type_string, p_grain_id_extension_string, p_service_id, p_grain_state_version, p_payload_binary,
            false);
    END IF;

    INSERT INTO orleansstorage (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring,
                                grainidextensionstring, serviceid, payloadbinary, modifiedon, version)
    VALUES (p_grain_id_hash, p_grain_id_n0, p_grain_id_n1, p_grain_type_hash, p_grain_type_string,
            p_grain_id_extension_string, p_service_id, p_payload_binary, now(), 1)
    ON CONFLICT DO NOTHING
    RETURNING version INTO new_version;
    RETURN new_version;
END;
$$;

-- Reminders. GrainHash is the grain's uniform hash as a signed 32-bit integer; the reminder service asks for
-- ranges of the hash ring and chooses ReadRangeRows1Key (begin < end) or ReadRangeRows2Key (wrapping range).
CREATE TABLE orleansreminderstable
(
    serviceid    varchar(150)  NOT NULL,
    grainid      varchar(1024) NOT NULL,
    remindername varchar(150)  NOT NULL,
    starttime    timestamptz   NOT NULL,
    period       bigint        NOT NULL,
    grainhash    integer       NOT NULL,
    version      integer       NOT NULL,
    PRIMARY KEY (serviceid, grainid, remindername)
);

CREATE INDEX ix_orleansreminderstable_hash ON orleansreminderstable (serviceid, grainhash);

INSERT INTO orleansquery (querykey, querytext)
VALUES
-- Clustering (Microsoft.Orleans.Clustering.AdoNet).
('InsertMembershipVersionKey', $q$
WITH inserted AS (
    INSERT INTO orleansmembershipversiontable (deploymentid) VALUES (@DeploymentId)
    ON CONFLICT (deploymentid) DO NOTHING
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM inserted)$q$),
('InsertMembershipKey', $q$
SELECT kms_orleans_insert_membership(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
    @ProxyPort, @StartTime, @IAmAliveTime, @Version)$q$),
('UpdateMembershipKey', $q$
SELECT kms_orleans_update_membership(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes,
    @IAmAliveTime, @Version)$q$),
('UpdateIAmAlivetimeKey', $q$
UPDATE orleansmembershiptable SET iamalivetime = @IAmAliveTime
WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation$q$),
('MembershipReadRowKey', $q$
SELECT v.version AS "Version", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
       m.siloname AS "SiloName", m.hostname AS "HostName", m.status AS "Status", m.proxyport AS "ProxyPort",
       m.suspecttimes AS "SuspectTimes", m.starttime AS "StartTime", m.iamalivetime AS "IAmAliveTime"
FROM orleansmembershipversiontable v
LEFT JOIN orleansmembershiptable m
    ON m.deploymentid = v.deploymentid AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
WHERE v.deploymentid = @DeploymentId$q$),
('MembershipReadAllKey', $q$
SELECT v.version AS "Version", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
       m.siloname AS "SiloName", m.hostname AS "HostName", m.status AS "Status", m.proxyport AS "ProxyPort",
       m.suspecttimes AS "SuspectTimes", m.starttime AS "StartTime", m.iamalivetime AS "IAmAliveTime"
FROM orleansmembershipversiontable v
LEFT JOIN orleansmembershiptable m ON m.deploymentid = v.deploymentid
WHERE v.deploymentid = @DeploymentId$q$),
('GatewaysQueryKey', $q$
SELECT address AS "Address", proxyport AS "ProxyPort", generation AS "Generation"
FROM orleansmembershiptable
WHERE deploymentid = @DeploymentId AND status = @Status AND proxyport > 0$q$),
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId$q$),
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleansmembershiptable
WHERE deploymentid = @DeploymentId AND iamalivetime < @IAmAliveTime AND status = 6$q$),
-- Grain storage (Microsoft.Orleans.Persistence.AdoNet).
('WriteToStorageKey', $q$
SELECT kms_orleans_write_to_storage(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
    @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary) AS "NewGrainStateVersion"$q$),
('ReadFromStorageKey', $q$
SELECT payloadbinary AS "PayloadBinary", version AS "Version"
FROM orleansstorage
WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash AND serviceid = @ServiceId
  AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1 AND graintypestring = @GrainTypeString
  AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString::text$q$),
('ClearStorageKey', $q$
SELECT kms_orleans_change_storage(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
    @GrainIdExtensionString, @ServiceId, @GrainStateVersion, NULL::bytea, false) AS "Version"$q$),
('DeleteStorageKey', $q$
SELECT kms_orleans_change_storage(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
    @GrainIdExtensionString, @ServiceId, @GrainStateVersion, NULL::bytea, true) AS "Version"$q$),
-- Reminders (Microsoft.Orleans.Reminders.AdoNet).
('UpsertReminderRowKey', $q$
INSERT INTO orleansreminderstable AS r (serviceid, grainid, remindername, starttime, period, grainhash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (serviceid, grainid, remindername) DO UPDATE
    SET starttime = excluded.starttime, period = excluded.period, grainhash = excluded.grainhash,
        version = r.version + 1
RETURNING r.version AS "Version"$q$),
('ReadReminderRowsKey', $q$
SELECT grainid AS "GrainId", remindername AS "ReminderName", starttime AS "StartTime", period AS "Period",
       version AS "Version"
FROM orleansreminderstable
WHERE serviceid = @ServiceId AND grainid = @GrainId$q$),
('ReadReminderRowKey', $q$
SELECT grainid AS "GrainId", remindername AS "ReminderName", starttime AS "StartTime", period AS "Period",
       version AS "Version"
FROM orleansreminderstable
WHERE serviceid = @ServiceId AND grainid = @GrainId AND remindername = @ReminderName$q$),
('ReadRangeRows1Key', $q$
SELECT grainid AS "GrainId", remindername AS "ReminderName", starttime AS "StartTime", period AS "Period",
       version AS "Version"
FROM orleansreminderstable
WHERE serviceid = @ServiceId AND grainhash > @BeginHash AND grainhash <= @EndHash$q$),
('ReadRangeRows2Key', $q$
SELECT grainid AS "GrainId", remindername AS "ReminderName", starttime AS "StartTime", period AS "Period",
       version AS "Version"
FROM orleansreminderstable
WHERE serviceid = @ServiceId AND (grainhash > @BeginHash OR grainhash <= @EndHash)$q$),
('DeleteReminderRowKey', $q$
WITH deleted AS (
    DELETE FROM orleansreminderstable
    WHERE serviceid = @ServiceId AND grainid = @GrainId AND remindername = @ReminderName AND version = @Version
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM deleted)$q$),
('DeleteReminderRowsKey', $q$
DELETE FROM orleansreminderstable WHERE serviceid = @ServiceId$q$);
