-- wrk script: POST /edge/validate with a different random secret in every request, none of which exists.
--   KIND=v2        Flagward-shaped: "*:development.v2_<22>_<43><6>" with a valid CRC32/base62 checksum, so the
--                  service cannot refuse it by shape and must look it up (the case the miss budget bounds).
--   KIND=verbatim  a random legacy-looking string "*:development.<32 random characters>".
--   KIND=real      the one real token in SECRET, after generating (and dropping) a random v2 secret exactly as
--                  KIND=v2 does: the baseline, with the same work on the load generator's side (it shares the
--                  service's two cores), so the ratio compares the service's work only.
-- Each wrk thread seeds its own generator, so threads never send the same sequence.
local bit = require("bit")
local B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
local B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
local kind = os.getenv("KIND") or "v2"
local real = os.getenv("SECRET")
local threads = 0

local CRC = {}
for i = 0, 255 do
  local c = i
  for _ = 1, 8 do
    if bit.band(c, 1) == 1 then c = bit.bxor(bit.rshift(c, 1), 0xEDB88320) else c = bit.rshift(c, 1) end
  end
  CRC[i] = c
end

local function crc32(s)
  local c = 0xFFFFFFFF
  for i = 1, #s do
    c = bit.bxor(CRC[bit.band(bit.bxor(c, s:byte(i)), 0xFF)], bit.rshift(c, 8))
  end
  c = bit.bxor(c, 0xFFFFFFFF)
  if c < 0 then c = c + 4294967296 end
  return c
end

local function base62(v)
  local out = {}
  for i = 6, 1, -1 do
    local d = v % 62
    out[i] = B62:sub(d + 1, d + 1)
    v = math.floor(v / 62)
  end
  return table.concat(out)
end

local function random64(n)
  local out = {}
  for i = 1, n do
    local d = math.random(1, 64)
    out[i] = B64:sub(d, d)
  end
  return table.concat(out)
end

function setup(thread)
  threads = threads + 1
  thread:set("seed", os.time() * 100 + threads)
end

function init(args)
  math.randomseed(seed)
end

function request()
  local secret
  if kind == "verbatim" then
    secret = "*:development." .. random64(32)
  else
    local body = "*:development.v2_" .. random64(22) .. "_" .. random64(43)
    secret = body .. base62(crc32(body))
  end
  if kind == "real" then
    secret = real
  end
  return wrk.format("POST", "/edge/validate", { ["Content-Type"] = "application/json" }, '{"tokens":["' .. secret .. '"]}')
end
