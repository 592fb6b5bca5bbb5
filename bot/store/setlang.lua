-- Set a language: in the language hash for a registered user, under a key of
-- its own with a TTL for a stranger, so strangers leave nothing for good.
--
-- KEYS[1] users hash   KEYS[2] language hash   KEYS[3] the stranger language key
-- KEYS[4] the effect of the update that sets it (absent without an update)
-- ARGV[1] user id   ARGV[2] language ('' clears it)   ARGV[3] stranger TTL (ms)
-- ARGV[4] the effect's TTL (s). An update that set it already writes nothing.

if KEYS[4] then
  if redis.call('EXISTS', KEYS[4]) == 1 then return 0 end
  redis.call('SET', KEYS[4], '1', 'EX', ARGV[4])
end

if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  if ARGV[2] == '' then
    redis.call('HDEL', KEYS[2], ARGV[1])
  else
    redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  end
  redis.call('DEL', KEYS[3])
elseif ARGV[2] == '' then
  redis.call('DEL', KEYS[3])
else
  redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[3])
end
return 1
