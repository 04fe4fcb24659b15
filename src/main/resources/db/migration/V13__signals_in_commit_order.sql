-- The live stream delivers signals in commit order, without gaps (SPEC §6.5). Ids come from a sequence when a signal
-- is inserted, so a lower id can commit after a higher one, and a consumer resuming "after id N" would miss it.
-- Every signal now records the transaction that wrote it; a signal is delivered only once every transaction older
-- than its own has finished (tx below the oldest running transaction, pg_snapshot_xmin), in (tx, id) order. Nothing
-- can later appear before a position once it is delivered, so resuming after it misses nothing.
alter table signals add column tx xid8 not null default pg_current_xact_id();
create index signals_commit_order_idx on signals (tx, id);
