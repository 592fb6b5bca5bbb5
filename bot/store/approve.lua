-- Approve: move one figure from the awaiting hash to the official one, with
-- its audit entry, atomically. Like confirm.lua it uses no cjson and runs on
-- Redis 7 and on miniredis.
--
-- KEYS[1] awaiting hash   KEYS[2] official report hash   KEYS[3] audit stream
-- ARGV[1] slot   ARGV[2] the awaiting JSON the caller read
-- ARGV[3] at (unix ms)   ARGV[4] by   ARGV[5] by_name
-- ARGV[6] indicator   ARGV[7] unit   ARGV[8] period   ARGV[9] item
--
-- KEYS[5] the data version
-- KEYS[4] users hash   ARGV[10] the acting user's id ('' skips the rights check)
-- ARGV[11] their record as the caller read it and judged it allowed ('' = none)
--
-- Returns {'rights'} when the record is not the one judged, then
-- {'gone'} when the slot awaits nothing (approved or returned
-- already: a second press, or another editor), {'changed'} when it awaits
-- another figure than the caller read (a resubmission meanwhile), both having
-- written nothing; else {'ok', audit id, official JSON replaced ('' = none)}.

if ARGV[10] ~= '' and (redis.call('HGET', KEYS[4], ARGV[10]) or '') ~= ARGV[11] then
  return {'rights'}
end
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur then
  return {'gone'}
end
if cur ~= ARGV[2] then
  return {'changed'}
end
local old = redis.call('HGET', KEYS[2], ARGV[1])
if not old then
  old = ''
end
redis.call('HSET', KEYS[2], ARGV[1], cur)
redis.call('HDEL', KEYS[1], ARGV[1])
local id = redis.call('XADD', KEYS[3], '*',
  'at', ARGV[3], 'by', ARGV[4], 'by_name', ARGV[5], 'action', 'approve',
  'indicator', ARGV[6], 'unit', ARGV[7], 'period', ARGV[8], 'item', ARGV[9],
  'slot', ARGV[1], 'old', old, 'new', cur, 'via', '', 'reason', '')
redis.call('INCR', KEYS[#KEYS]) -- the data version
return {'ok', id, old}
