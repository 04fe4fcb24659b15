-- Signals (SPEC §6): endpoints that take webhooks in, their tokens (credentials like any other), and the signals.

create table signal_endpoints (
    id                  bigint generated always as identity primary key,
    name                text        not null unique check (name ~ '^[a-z0-9_-]{1,100}$'),
    description         text check (length(description) <= 1000),
    enabled             boolean     not null default true,
    created_at          timestamptz not null,
    created_by_user_id  bigint,
    -- Standard Webhooks signing secrets, AES-GCM sealed with FLAGWARD_SECRETS_KEY (never in clear). The previous one
    -- stays valid until previous_secret_until, so senders can rotate.
    signing_secret         bytea,
    previous_secret        bytea,
    previous_secret_until  timestamptz
);

create table signal_endpoint_tokens (
    id                 bigint generated always as identity primary key,
    signal_endpoint_id bigint      not null references signal_endpoints (id) on delete cascade,
    name               text        not null check (length(name) between 1 and 255),
    selector           text        not null unique,
    verifier           bytea       not null check (length(verifier) = 32),
    created_at         timestamptz not null,
    created_by_user_id bigint,
    seen_at            timestamptz
);
create index signal_endpoint_tokens_endpoint_idx on signal_endpoint_tokens (signal_endpoint_id, id);

create trigger signal_endpoint_tokens_notify
    after insert or delete or update of selector, verifier, signal_endpoint_id, name
    on signal_endpoint_tokens for each row execute function notify_credential_change('signal');

create table signals (
    id                          bigint generated always as identity primary key,
    source                      text        not null default 'signal-endpoint',
    source_id                   bigint      not null references signal_endpoints (id) on delete cascade,
    payload                     jsonb       not null,
    created_at                  timestamptz not null,
    created_by_source_token_id  bigint,
    token_name                  text,
    -- Standard Webhooks message id: a replay of the same id stores nothing twice.
    webhook_id                  text check (length(webhook_id) between 1 and 256),
    unique (source_id, webhook_id)
);
create index signals_source_idx on signals (source_id, id desc);
create index signals_created_idx on signals (created_at, id);

-- Every new signal is announced (its id only) so every replica's live stream can fetch and send it.
create function notify_signal() returns trigger language plpgsql as $$
begin
    perform pg_notify('flagward_signals', new.id::text);
    return null;
end $$;

create trigger signals_notify after insert on signals for each row execute function notify_signal();
