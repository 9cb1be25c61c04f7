--[[
  Retires a live shard for a rebuild's switch: from now on no owner can fence or commit to it,
  so its applied offset holds still and the rebuild can catch up with it exactly. The epoch
  becomes "retired:<previous epoch>", which no owner token equals and restore-shard reads back.

  KEYS[1] epoch key
  KEYS[2] applied-offset key
  ARGV    none

  Returns { previous epoch, applied } (applied "-1": nothing applied). Retiring a retired shard
  changes nothing and returns the same.
]]
local current = redis.call('GET', KEYS[1]) or '0'
local previous = string.match(current, '^retired:(.*)$')
if previous == nil then
  previous = current
  redis.call('SET', KEYS[1], 'retired:' .. previous)
end
return { previous, redis.call('GET', KEYS[2]) or '-1' }
