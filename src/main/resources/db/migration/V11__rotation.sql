-- Rotation with overlap (every credential kind): the new credential names the one it replaces, the old one names
-- its replacement; the old one's expiry ends the overlap.
alter table api_tokens add column replaces text, add column replaced_by text;
alter table personal_access_tokens add column replaces text, add column replaced_by text;

-- A PAT being replaced keeps its description until it expires, beside its replacement: the description rule
-- (unique per user) holds among PATs that are not replaced.
alter table personal_access_tokens drop constraint personal_access_tokens_user_id_description_key;
create unique index personal_access_tokens_description_idx on personal_access_tokens (user_id, description)
    where replaced_by is null;

-- Signal endpoint tokens gain an expiry (null: none), so a rotated one can overlap its replacement.
alter table signal_endpoint_tokens add column expires_at timestamptz, add column replaces text,
    add column replaced_by text;
drop trigger signal_endpoint_tokens_notify on signal_endpoint_tokens;
create trigger signal_endpoint_tokens_notify
    after insert or delete or update of selector, verifier, signal_endpoint_id, name, expires_at, replaced_by
    on signal_endpoint_tokens for each row execute function notify_credential_change('signal');

-- Lists served from memory show the links: a replaced API token tells every replica.
drop trigger api_tokens_notify on api_tokens;
create trigger api_tokens_notify
    after insert or delete or update of selector, verifier, type, environment, all_projects, expires_at, replaced_by
    on api_tokens for each row execute function notify_credential_change('api');
