-- Dates a client can read back: every driver and language handles four-digit years. A year like 275760 is valid
-- RFC 3339 and valid PostgreSQL, but one such row made every token listing (and the credential cache load) fail.
alter table api_tokens add constraint api_tokens_expiry_range
    check (expires_at is null or expires_at between '1970-01-01' and '9999-12-31 23:59:59.999+00');
alter table personal_access_tokens add constraint personal_access_tokens_expiry_range
    check (expires_at between '1970-01-01' and '9999-12-31 23:59:59.999+00');
