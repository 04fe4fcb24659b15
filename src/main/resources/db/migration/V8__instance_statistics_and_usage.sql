-- The instance's statistics signing key (Ed25519), created once and shared by every replica. The private half is
-- sealed with FLAGWARD_SECRETS_KEY (AES-256-GCM, bound to the key id); the public half is published.
create table instance_signing_key (
    singleton   boolean primary key default true check (singleton),
    kid         text        not null check (length(kid) between 8 and 100),
    public_key  bytea       not null,
    private_key bytea       not null,
    created_at  timestamptz not null default now()
);

-- Daily seat usage for usage statements: one row per day however many replicas record it, holding the day's
-- highest counts (seats = Admins + Editors as the license counts them; read-only seats = Viewers).
create table usage_days (
    day            date primary key,
    seats          integer     not null check (seats >= 0),
    read_only_seats integer    not null check (read_only_seats >= 0),
    recorded_at    timestamptz not null
);
