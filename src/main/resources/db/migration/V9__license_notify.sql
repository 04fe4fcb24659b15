-- A license installed (or removed) on one replica is in force on every replica at once: the change is announced
-- on commit, on the same LISTEN connection that carries credential revocations.
create function notify_license_change() returns trigger language plpgsql as $$
begin
    perform pg_notify('flagward_license', coalesce(new.id, old.id)::text);
    return null;
end $$;

create trigger licenses_notify after insert or update or delete on licenses
    for each row execute function notify_license_change();
