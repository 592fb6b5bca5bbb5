-- Seed a year's plan unless an admin loaded one for that year.
-- KEYS[1] plans hash; ARGV[1] year; ARGV[2] record (JSON, origin "seed").
-- Returns 1 when written, 0 when an admin's plan was kept.
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur and string.find(cur, '"origin":"admin"', 1, true) then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
