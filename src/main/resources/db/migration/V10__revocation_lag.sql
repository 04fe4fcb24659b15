-- Credential change notifications carry when their transaction began (milliseconds since the epoch, after '@'), so
-- every replica can measure how long a revocation took to reach it (metric flagward.revocation.lag). Within one
-- transaction the value is constant, so PostgreSQL still folds repeated notifications of one selector into one.
create or replace function notify_credential_change() returns trigger language plpgsql as $$
declare
    began text := '@' || (extract(epoch from now()) * 1000)::bigint;
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform pg_notify('flagward_credentials', tg_argv[0] || ':' || old.selector || began);
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform pg_notify('flagward_credentials', tg_argv[0] || ':' || new.selector || began);
    end if;
    return null;
end $$;
