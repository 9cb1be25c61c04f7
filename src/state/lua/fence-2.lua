--[[
  Takes ownership of a partition shard (protocol step 2: fence + seek).
  A new owner bumps the epoch, so any commit still in flight from an older owner is rejected.
  A shard retired by a rebuild's switch holds "retired:<epoch>" instead of a number: nobody may
  own it.

  KEYS[1] epoch key
  KEYS[2] applied-offset key
  ARGV    none

  Returns { epoch, applied } where applied is -1 when nothing was applied yet,
          { -3, "retired" } when the shard was retired.
]]
if string.find(redis.call('GET', KEYS[1]) or '', '^retired:') then
  return { -3, 'retired' }
end
local epoch = redis.call('INCR', KEYS[1])
local applied = tonumber(redis.call('GET', KEYS[2]) or '-1')
return { epoch, applied }
