-- Return: drop one figure from the awaiting hash, with a "return" audit entry
-- carrying the editor's reason, atomically. The official hash is not touched.
--
-- KEYS[1] awaiting hash   KEYS[2] audit stream
-- ARGV[1] slot   ARGV[2] the awaiting JSON the caller read
-- ARGV[3] at (unix ms)   ARGV[4] by   ARGV[5] by_name
-- ARGV[6] indicator   ARGV[7] unit   ARGV[8] period   ARGV[9] item
-- ARGV[10] reason
--
-- KEYS[4] the data version
-- KEYS[3] users hash   ARGV[11] the acting user's id ('' skips the rights check)
-- ARGV[12] their record as the caller read it and judged it allowed ('' = none)
--
-- Returns {'rights'} when the record is not the one judged, then
-- {'gone'} or {'changed'} as approve.lua does, having written
-- nothing; else {'ok', audit id}.

if ARGV[11] ~= '' and (redis.call('HGET', KEYS[3], ARGV[11]) or '') ~= ARGV[12] then
  return {'rights'}
end
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur then
  return {'gone'}
end
if cur ~= ARGV[2] then
  return {'changed'}
end
redis.call('HDEL', KEYS[1], ARGV[1])
local id = redis.call('XADD', KEYS[2], '*',
  'at', ARGV[3], 'by', ARGV[4], 'by_name', ARGV[5], 'action', 'return',
  'indicator', ARGV[6], 'unit', ARGV[7], 'period', ARGV[8], 'item', ARGV[9],
  'slot', ARGV[1], 'old', cur, 'new', '', 'via', '', 'reason', ARGV[10])
redis.call('INCR', KEYS[#KEYS]) -- the data version
return {'ok', id}
