-- Tokens issued to Unleash Edge (POST /edge/issue-token): one token per environment and set of projects, whichever
-- Edge client or replica asks first; the primary key makes a second one impossible, and issuing takes the token
-- creation lock, so concurrent calls wait and then find the first one's token. The token itself is an ordinary row of
-- api_tokens (its secret derived from FLAGWARD_SECRETS_KEY and its selector, never stored); deleting it removes this
-- row, and the next call issues a new one.
create table edge_issued_tokens (
    environment  text        not null references environments (name) on delete cascade,
    -- '*' for every project, else the project ids sorted and joined by ',' (ids never hold a comma).
    projects_key text        not null check (length(projects_key) between 1 and 10200),
    token_id     bigint      not null unique references api_tokens (id) on delete cascade,
    client_id    text        not null,
    issued_at    timestamptz not null,
    primary key (environment, projects_key)
);

-- Nonces of signed issue requests, kept while the request's timestamp is within the accepted window, so a request
-- replayed from any replica is refused (the primary key decides between two that race).
create table edge_request_nonces (
    client_id  text        not null,
    nonce      text        not null check (length(nonce) between 1 and 128),
    expires_at timestamptz not null,
    primary key (client_id, nonce)
);
create index edge_request_nonces_expiry_idx on edge_request_nonces (expires_at);
