-- Password reset links and invite links (Unleash's public signup tokens). Both are secrets in the one credential
-- format (reset_v2_… and invite_v2_…): a selector in clear and the SHA-256 verifier, never the secret.

-- A link that lets whoever holds it set a user's password once: a reset (from an Admin or from the user's own
-- request by email) or the welcome link of a user an Admin created. Single use (used_at); a newer link of the same
-- user, or any password change, ends the older ones (expires_at moves to then).
create table password_reset_tokens (
    id         bigint generated always as identity primary key,
    selector   text        not null unique,
    verifier   bytea       not null check (length(verifier) = 32),
    user_id    bigint      not null references users (id) on delete cascade,
    purpose    text        not null check (purpose in ('reset', 'welcome')),
    -- Who asked for it (an Admin's name); null when the user asked by email.
    created_by text check (length(created_by) <= 320),
    created_at timestamptz not null,
    expires_at timestamptz not null,
    used_at    timestamptz
);
create index password_reset_tokens_user_idx on password_reset_tokens (user_id);
create index password_reset_tokens_expiry_idx on password_reset_tokens (expires_at);

-- A link anyone may use to sign up as a Viewer while it is enabled and not expired. Read from the database on every
-- use, so disabling or expiring it holds on every replica at once.
create table invite_links (
    id         bigint generated always as identity primary key,
    selector   text        not null unique,
    verifier   bytea       not null check (length(verifier) = 32),
    name       text        not null check (length(name) between 1 and 255),
    root_role  text        not null default 'Viewer' check (root_role = 'Viewer'),
    enabled    boolean     not null default true,
    created_by text check (length(created_by) <= 320),
    created_at timestamptz not null,
    expires_at timestamptz not null
);

-- Who signed up through which link (Unleash lists them with the link).
create table invite_link_users (
    invite_link_id bigint not null references invite_links (id) on delete cascade,
    user_id        bigint not null references users (id) on delete cascade,
    primary key (invite_link_id, user_id)
);
create index invite_link_users_user_idx on invite_link_users (user_id);
