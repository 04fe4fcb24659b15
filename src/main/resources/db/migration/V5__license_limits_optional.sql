-- SPEC §7.4: a resource limit a license does not state is no limit (null), not zero.
alter table licenses alter column seats drop not null,
                     alter column release_templates drop not null,
                     alter column edge_instances drop not null,
                     alter column read_only_users drop not null;
