-- Change or remove one user, keeping the last admin: the last-admin check and
-- the change are this one script, so two admins demoting or removing each
-- other at once cannot leave none. Runs on Redis 7 and on miniredis; no
-- cjson: a record is an admin when it holds the exact text "role":"admin",
-- which Go's encoding/json writes for the role field and can write nowhere
-- else (quotes inside a name are escaped).
--
-- KEYS[1] users hash   KEYS[2] language hash   KEYS[3] the user's stranger language
-- KEYS[4] the data version
-- KEYS[5] the effect of the update that changes it (absent without an update)
-- ARGV[1] user id (the field)
-- ARGV[2] the record the caller read ('' = none)
-- ARGV[3] the new record ('' removes the user and their language)
-- ARGV[4] '1' when the change takes an admin away (a demotion or removal)
-- ARGV[5] the effect's TTL (s)
--
-- Returns 'changed' (the record is not ARGV[2]: read again) or 'last' (no
-- other admin), having written nothing; else 'ok'; or 'again:1' / 'again:0'
-- when the update changed it already (there was a record before, or none),
-- having written nothing: a later change stays.

if KEYS[5] then
  local e = redis.call('GET', KEYS[5])
  if e then return 'again:' .. e end
end
local cur = redis.call('HGET', KEYS[1], ARGV[1]) or ''
if cur ~= ARGV[2] then
  return 'changed'
end
if ARGV[4] == '1' then
  local others = 0
  local all = redis.call('HGETALL', KEYS[1])
  for i = 1, #all, 2 do
    if all[i] ~= ARGV[1] and string.find(all[i + 1], '"role":"admin"', 1, true) then
      others = others + 1
    end
  end
  if others == 0 then
    return 'last'
  end
end
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  local own = redis.call('GET', KEYS[3])
  if own then
    redis.call('HSETNX', KEYS[2], ARGV[1], own)
  end
end
redis.call('DEL', KEYS[3])
redis.call('INCR', KEYS[4]) -- the data version
if KEYS[5] then
  local existed = '0'
  if cur ~= '' then existed = '1' end
  redis.call('SET', KEYS[5], existed, 'EX', ARGV[5])
end
return 'ok'
