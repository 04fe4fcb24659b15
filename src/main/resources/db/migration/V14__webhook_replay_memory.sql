-- Replay protection for signed signals (SPEC §6.3) outlives signal retention. Until now the only memory of a
-- webhook-id was the unique (source_id, webhook_id) on signals, and retention deletes signals (1,000 newest per
-- endpoint) well within the minutes a captured request still passes the timestamp check: it was then stored again.
-- Seen ids now live here, written by the same statement that inserts the signal, and are purged by their own age
-- (flagward.signals.webhook-id-memory, at least 15 minutes), never by signal retention.
create table webhook_replay_memory (
    source_id    bigint      not null references signal_endpoints (id) on delete cascade,
    webhook_id   text        not null check (length(webhook_id) between 1 and 256),
    -- SHA-256 of the raw body as signed: a repeat with the same body gets the first answer, another body is a 409.
    -- Null only for ids carried over below, whose raw body was never kept: they get the first answer, as before.
    body_sha256  bytea       check (length(body_sha256) = 32),
    -- The answer to a repeat. No foreign key: retention may have purged the signal, and the answer stays the same.
    signal_id    bigint      not null,
    seen_at      timestamptz not null,
    primary key (source_id, webhook_id)
);
create index webhook_replay_memory_seen_idx on webhook_replay_memory (seen_at);

-- Ids seen within the last hour were protected by the old constraint; they stay protected across the upgrade.
insert into webhook_replay_memory (source_id, webhook_id, signal_id, seen_at)
select source_id, webhook_id, id, created_at from signals
 where webhook_id is not null and created_at > now() - interval '1 hour';

-- The memory above is now the one guard, so the unique constraint on signals goes. Kept, it would be a second index
-- on every insert that protects nothing the memory does not, and it would answer a late retry with a 500: Standard
-- Webhooks senders keep the webhook-id when they retry (with a fresh timestamp and signature), possibly hours later,
-- after the memory has forgotten the id while the first signal is still retained; the insert would then violate the
-- constraint on every retry until the sender gives up. Such a retry is stored as a new signal instead (raise
-- flagward.signals.webhook-id-memory to cover a sender's retry schedule). The column stays, as information.
alter table signals drop constraint signals_source_id_webhook_id_key;
