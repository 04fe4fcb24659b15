-- Users (soft-deleted: seat counting needs recently deleted users), sessions, personal access tokens, login history.

create table users (
    id            bigint generated always as identity primary key,
    username      text check (username ~ '^[A-Za-z0-9._@+-]{1,100}$'),
    email         text check (length(email) between 3 and 320 and email like '%_@_%'),
    name          text check (length(name) <= 200),
    root_role     text        not null check (root_role in ('Admin', 'Editor', 'Viewer')),
    -- bcrypt; null means the user cannot sign in with a password.
    password_hash text check (password_hash like '$2%'),
    created_at    timestamptz not null,
    seen_at       timestamptz,
    deleted_at    timestamptz,
    check (username is not null or email is not null)
);
create unique index users_username_live_idx on users (lower(username)) where deleted_at is null;
create unique index users_email_live_idx on users (lower(email)) where deleted_at is null;

create table sessions (
    id         bigint generated always as identity primary key,
    selector   text        not null unique,
    verifier   bytea       not null check (length(verifier) = 32),
    user_id    bigint      not null references users (id) on delete cascade,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    seen_at    timestamptz
);
create index sessions_user_idx on sessions (user_id);
create index sessions_expiry_idx on sessions (expires_at);

create table personal_access_tokens (
    id          bigint generated always as identity primary key,
    user_id     bigint      not null references users (id) on delete cascade,
    selector    text        not null unique,
    verifier    bytea       not null check (length(verifier) = 32),
    description text        not null check (length(description) between 1 and 255),
    expires_at  timestamptz not null,
    created_at  timestamptz not null,
    seen_at     timestamptz,
    unique (user_id, description)
);

create table login_events (
    id             bigint generated always as identity primary key,
    username       text        not null check (length(username) <= 320),
    auth_type      text        not null,
    created_at     timestamptz not null,
    successful     boolean     not null,
    ip             text,
    failure_reason text
);
create index login_events_created_idx on login_events (created_at desc, id desc);

create trigger sessions_notify
    after insert or delete or update of selector, verifier, user_id, expires_at
    on sessions for each row execute function notify_credential_change('session');

create trigger personal_access_tokens_notify
    after insert or delete or update of selector, verifier, user_id, expires_at
    on personal_access_tokens for each row execute function notify_credential_change('pat');

-- A user's role, name or deletion changes what their PATs and sessions authenticate as: announce them all.
create function notify_user_credentials() returns trigger language plpgsql as $$
begin
    perform pg_notify('flagward_credentials', 'pat:' || p.selector)
       from personal_access_tokens p where p.user_id = new.id;
    perform pg_notify('flagward_credentials', 'session:' || s.selector)
       from sessions s where s.user_id = new.id;
    return null;
end $$;

create trigger users_notify
    after update of username, email, root_role, deleted_at
    on users for each row execute function notify_user_credentials();
