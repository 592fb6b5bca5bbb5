-- Undo: revert the user's last confirmed change, atomically. Like
-- confirm.lua it uses no cjson and runs on Redis 7 and on miniredis.
--
-- KEYS[1] undo list of the user   KEYS[2] audit stream
-- KEYS[3] the hash the change wrote: the official report hash, or the
--         awaiting hash for a 'submit' (a figure still waiting for approval)
-- ARGV[1] audit id the caller read at the head of the undo list
-- ARGV[2] slot   ARGV[3] JSON the user wrote   ARGV[4] JSON before it ('' = empty slot)
-- ARGV[5] at (unix ms)   ARGV[6] by   ARGV[7] by_name
-- ARGV[8] indicator   ARGV[9] unit   ARGV[10] period   ARGV[11] item
--
-- KEYS[5] the data version
-- KEYS[4] users hash   ARGV[12] the acting user's id ('' skips the rights check)
-- ARGV[13] their record as the caller read it and judged it allowed ('' = none)
--
-- Returns {'rights'} when the record is not the one judged, then
-- {'moved'} when the head of the list is no longer ARGV[1] (another
-- undo or confirm of the same user ran meanwhile; the caller reads again),
-- {'conflict'} when the slot no longer holds what the user wrote (someone
-- changed it since: reverting would destroy their figure), both having
-- written nothing; else {'ok', id of the "undo" audit entry}.

if ARGV[12] ~= '' and (redis.call('HGET', KEYS[4], ARGV[12]) or '') ~= ARGV[13] then
  return {'rights'}
end
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[1] then
  return {'moved'}
end
if (redis.call('HGET', KEYS[3], ARGV[2]) or '') ~= ARGV[3] then
  return {'conflict'}
end
if ARGV[4] == '' then
  redis.call('HDEL', KEYS[3], ARGV[2])
else
  redis.call('HSET', KEYS[3], ARGV[2], ARGV[4])
end
local id = redis.call('XADD', KEYS[2], '*',
  'at', ARGV[5], 'by', ARGV[6], 'by_name', ARGV[7], 'action', 'undo',
  'indicator', ARGV[8], 'unit', ARGV[9], 'period', ARGV[10], 'item', ARGV[11],
  'slot', ARGV[2], 'old', ARGV[3], 'new', ARGV[4], 'via', '', 'reason', '',
  'reverts', ARGV[1])
redis.call('LPOP', KEYS[1])
redis.call('INCR', KEYS[#KEYS]) -- the data version
return {'ok', id}
