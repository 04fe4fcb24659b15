-- A live user's last activity: the later of their last sign-in and their last PAT use. One definition for the
-- statistics' active-user windows and the seat management's inactive users.
create view user_activity as
select u.id as user_id, u.seen_at, p.pat_seen_at, greatest(u.seen_at, p.pat_seen_at) as last_seen
  from users u
  left join lateral (select max(seen_at) as pat_seen_at from personal_access_tokens where user_id = u.id) p on true
 where u.deleted_at is null;
