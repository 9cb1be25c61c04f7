--[[
  Undoes retire-shard when a rebuild aborts: the shard can be owned again, and its epoch is past
  every token handed out before the retirement, so no commit from before it can land.

  KEYS[1] epoch key
  ARGV    none

  Returns the new epoch, or 0 when the shard was not retired (left as it is).
]]
local previous = string.match(redis.call('GET', KEYS[1]) or '', '^retired:(%d+)$')
if previous == nil then
  return 0
end
local epoch = tonumber(previous) + 1
redis.call('SET', KEYS[1], epoch)
return epoch
