-- Installed licenses (newest row is current; older rows are the history), and Edge instances seen per 5 minutes.

create table licenses (
    id                bigint generated always as identity primary key,
    -- The signed token as installed; every other column was derived from its verified claims.
    token             text        not null,
    customer          text        not null,
    type              text,
    plan              text,
    instance_name     text,
    instance_id       text,
    seats             integer     not null check (seats >= 0),
    release_templates integer     not null check (release_templates >= 0),
    edge_instances    integer     not null check (edge_instances >= 0),
    read_only_users   integer     not null check (read_only_users >= 0),
    issued_at         timestamptz not null,
    expires_at        timestamptz not null check (expires_at > issued_at),
    installed_at      timestamptz not null,
    installed_by      text        not null
);

create table edge_instance_sightings (
    bucket_start timestamptz not null,
    instance_id  text        not null check (length(instance_id) between 1 and 200),
    primary key (bucket_start, instance_id)
);
