--[[
  Commits one partition-batch atomically (protocol step 3). Writes only when the caller still
  owns the shard (epoch == token) and the shard is exactly where the caller read it
  (applied == expected): a stale or resent commit can never apply a batch twice.

  KEYS[1] epoch key
  KEYS[2] applied-offset key
  KEYS[3] outbox stream
  KEYS[4..11] the shard's hashes, in this order: states, totals, aggregates, open windows,
          closed windows, clock, parked keys, unpark requests
  ARGV[1] owner token (the epoch returned by fence)
  ARGV[2] expected applied offset ("-1" when nothing was applied)
  ARGV[3] new applied offset (the batch's last offset; equal to ARGV[2] for a batch that only
          closes windows or unparks a key)
  ARGV[4] number of operations M, then M operations, each: op, hash (4..11), count N, items:
            "H" HSET    N field/value pairs
            "I" HINCRBY N field/integer pairs
            "D" HDEL    N fields
  then    the outbox entry (encoded derived records), or "" for none

  Returns { 1, new applied, outbox entry id or "" } on success,
          { -1, current epoch } when fenced (another owner took over, or the shard was retired),
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

-- Variadic commands in chunks: one command per chunk keeps commands per event low, and unpack()
-- has a stack limit.
local chunk = 400
local function variadic(command, key, first, count, width)
  local done = 0
  while done < count do
    local n = math.min(chunk, count - done)
    local args = {}
    for j = 1, n * width do
      args[j] = ARGV[first + done * width + j - 1]
    end
    redis.call(command, key, unpack(args))
    done = done + n
  end
end

local i = 5
for _ = 1, tonumber(ARGV[4]) do
  local op, key, count = ARGV[i], KEYS[tonumber(ARGV[i + 1])], tonumber(ARGV[i + 2])
  i = i + 3
  if op == 'H' then
    variadic('HSET', key, i, count, 2)
    i = i + 2 * count
  elseif op == 'I' then
    for _ = 1, count do
      redis.call('HINCRBY', key, ARGV[i], ARGV[i + 1])
      i = i + 2
    end
  elseif op == 'D' then
    variadic('HDEL', key, i, count, 1)
    i = i + count
  else
    return redis.error_reply('commit-batch: unknown operation ' .. tostring(op))
  end
end

local entry = ''
if ARGV[i] ~= '' then
  entry = redis.call('XADD', KEYS[3], '*', 'last', ARGV[3], 'records', ARGV[i])
end
if ARGV[3] ~= ARGV[2] then
  redis.call('SET', KEYS[2], ARGV[3])
end
return { 1, ARGV[3], entry }
