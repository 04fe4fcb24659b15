-- Flagward foundation schema: instance identity, scopes, API tokens, audit events.
-- Constraints live here, not only in Java.

-- One row: the instance's public id and its private key (HMAC key for derived identifiers and signed figures).
-- Created by the application on first start with a key from a CSPRNG (PostgreSQL's random() is not one).
create table instance (
    singleton   boolean primary key default true check (singleton),
    instance_id text        not null,
    secret      bytea       not null check (length(secret) = 32),
    created_at  timestamptz not null default now()
);

create table projects (
    id          text primary key check (id ~ '^[A-Za-z0-9_-]{1,100}$'),
    name        text        not null check (length(name) between 1 and 100),
    description text check (length(description) <= 1000),
    created_at  timestamptz not null default now()
);

create table environments (
    name       text primary key check (name ~ '^[A-Za-z0-9_-]{1,100}$'),
    type       text        not null check (length(type) between 1 and 100),
    enabled    boolean     not null default true,
    sort_order integer     not null default 0,
    created_at timestamptz not null default now()
);

insert into projects (id, name, description) values ('default', 'Default', 'Default project');
insert into environments (name, type, sort_order) values ('development', 'development', 100), ('production', 'production', 200);

create table api_tokens (
    id           bigint generated always as identity primary key,
    -- Public half of the credential: the selector of a minted secret, or an HMAC-derived id of a verbatim one.
    selector     text        not null unique check (length(selector) between 16 and 64),
    -- SHA-256 of the whole secret; the secret itself is never stored.
    verifier     bytea       not null check (length(verifier) = 32),
    token_name   text        not null check (length(token_name) between 1 and 255),
    type         text        not null check (type in ('admin', 'client', 'backend', 'frontend')),
    -- null means every environment, which only admin tokens have.
    environment  text references environments (name) on delete restrict,
    all_projects boolean     not null,
    expires_at   timestamptz,
    created_at   timestamptz not null,
    seen_at      timestamptz,
    created_by   text        not null,
    check ((type = 'admin') = (environment is null)),
    check (type <> 'admin' or all_projects)
);
create index api_tokens_name_idx on api_tokens (token_name);

-- The projects of a token that is not scoped to all of them. A project in use cannot be deleted
-- (restrict): deleting a project first removes it from tokens explicitly, so no token is ever widened.
create table api_token_projects (
    token_id   bigint not null references api_tokens (id) on delete cascade,
    project_id text   not null references projects (id) on delete restrict,
    primary key (token_id, project_id)
);
create index api_token_projects_project_idx on api_token_projects (project_id);

create table events (
    id                 bigint generated always as identity primary key,
    type               text        not null check (length(type) between 1 and 100),
    created_at         timestamptz not null,
    created_by         text        not null,
    created_by_user_id bigint,
    ip                 text,
    data               jsonb,
    pre_data           jsonb
);
create index events_type_idx on events (type, id desc);

-- Every change to a credential tells every replica, in the same transaction (delivered on commit only).
-- Payload: '<kind>:<selector>'; the selector is not secret.
create function notify_credential_change() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform pg_notify('flagward_credentials', tg_argv[0] || ':' || old.selector);
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform pg_notify('flagward_credentials', tg_argv[0] || ':' || new.selector);
    end if;
    return null;
end $$;

create trigger api_tokens_notify
    after insert or delete or update of selector, verifier, type, environment, all_projects, expires_at
    on api_tokens for each row execute function notify_credential_change('api');

create function notify_api_token_projects_change() returns trigger language plpgsql as $$
begin
    perform pg_notify('flagward_credentials', 'api:' || t.selector)
       from api_tokens t
      where t.id = case when tg_op = 'DELETE' then old.token_id else new.token_id end;
    return null;
end $$;

create trigger api_token_projects_notify
    after insert or delete on api_token_projects
    for each row execute function notify_api_token_projects_change();
