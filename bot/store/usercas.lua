-- User compare-and-set: write one user record only if the users hash still
-- holds the record the caller read, so a change made meanwhile (an admin's
-- demotion, a removal) is never overwritten by a stale copy. Runs on Redis 7
-- and on miniredis; no cjson (records are built in Go).
--
-- KEYS[1] users hash   KEYS[2] language hash   KEYS[3] the user's stranger language
-- KEYS[4] the data version
-- ARGV[1] user id (the field)
-- ARGV[2] the record the caller read; '' means "only if there is none" (create)
-- ARGV[3] the new record
-- ARGV[4] language to save with it ('' leaves it; on create, a language the
--         user chose as a stranger is kept)
--
-- Returns 1 when written, 0 when the record was not ARGV[2] (nothing written).

local cur = redis.call('HGET', KEYS[1], ARGV[1]) or ''
if cur ~= ARGV[2] then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
end
if ARGV[2] == '' then
  local own = redis.call('GET', KEYS[3])
  if own then
    redis.call('HSETNX', KEYS[2], ARGV[1], own)
  end
  redis.call('DEL', KEYS[3])
end
redis.call('INCR', KEYS[#KEYS]) -- the data version
return 1
