-- Where purged signals stood in the stream (SPEC §6.5). A consumer resumes after the signal id it last received; when
-- retention (or deleting its endpoint) has removed that signal, its place is still known here, so the resume starts
-- exactly after it instead of guessing from ids, which are not in commit order. Kept for
-- flagward.signals.resume-window (purged by the retention job).
create table signal_places (
    id        bigint primary key,
    tx        xid8 not null,
    purged_at timestamptz not null default now()
);
create index signal_places_purged_idx on signal_places (purged_at);

create function remember_signal_places() returns trigger language plpgsql as $$
begin
    insert into signal_places (id, tx) select id, tx from gone on conflict (id) do nothing;
    return null;
end $$;

-- One statement per delete (retention deletes many rows at once; an endpoint's deletion cascades to its signals).
create trigger signals_remember_places after delete on signals referencing old table as gone
    for each statement execute function remember_signal_places();
