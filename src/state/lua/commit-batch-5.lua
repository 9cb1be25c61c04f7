--[[
  Commits one partition-batch atomically (protocol step 3). Writes only when the caller still
  owns the shard (epoch == token) and the shard is exactly where the caller read it
  (applied == expected): a stale or resent commit can never apply a batch twice.

  KEYS[1] epoch key
  KEYS[2] applied-offset key
  KEYS[3] states hash (key -> state JSON)
  KEYS[4] totals hash (currency -> integer cents)
  KEYS[5] outbox stream
  ARGV[1] owner token (the epoch returned by fence)
  ARGV[2] expected applied offset ("-1" when nothing was applied)
  ARGV[3] new applied offset (the batch's last offset)
  ARGV[4] number of states S, then S pairs: key, state JSON
  then    number of totals deltas T, then T pairs: currency, delta cents
  then    the outbox entry (encoded derived records), or "" for none

  Returns { 1, new applied, outbox entry id or "" } on success,
          { -1, current epoch } when fenced (another owner took over),
          { -2, current applied } when stale (applied moved since the caller read it).
]]
local current = redis.call('GET', KEYS[1])
if current ~= ARGV[1] then
  return { -1, current or '' }
end
local applied = redis.call('GET', KEYS[2]) or '-1'
if applied ~= ARGV[2] then
  return { -2, applied }
end

local i = 4
local states = tonumber(ARGV[i])
i = i + 1
-- HSET in chunks: one command per chunk keeps commands per event low, and unpack() has a
-- stack limit.
local chunk = 400
local s = 0
while s < states do
  local n = math.min(chunk, states - s)
  local args = {}
  for j = 0, n - 1 do
    args[2 * j + 1] = ARGV[i + 2 * (s + j)]
    args[2 * j + 2] = ARGV[i + 2 * (s + j) + 1]
  end
  redis.call('HSET', KEYS[3], unpack(args))
  s = s + n
end
i = i + 2 * states

local deltas = tonumber(ARGV[i])
i = i + 1
for _ = 1, deltas do
  redis.call('HINCRBY', KEYS[4], ARGV[i], ARGV[i + 1])
  i = i + 2
end

local entry = ''
if ARGV[i] ~= '' then
  entry = redis.call('XADD', KEYS[5], '*', 'last', ARGV[3], 'records', ARGV[i])
end
redis.call('SET', KEYS[2], ARGV[3])
return { 1, ARGV[3], entry }
