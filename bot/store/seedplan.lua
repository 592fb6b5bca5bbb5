-- Seed a year's plan unless an admin loaded one for that year.
-- KEYS[1] plans hash   KEYS[2] plan sums hash (year -> digest of the file)
-- KEYS[3] the data version
-- ARGV[1] year; ARGV[2] record (JSON, origin "seed"); ARGV[3] its digest.
-- Returns 1 when written, 0 when an admin's plan was kept.
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur and string.find(cur, '"origin":"admin"', 1, true) then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('INCR', KEYS[#KEYS]) -- the data version
return 1
