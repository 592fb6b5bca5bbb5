-- Count one action in a fixed window: the first one starts the window and
-- gives the key its TTL, in the same step, so the key can never be left
-- without one.
--
-- KEYS[1] the user's counter   ARGV[1] window (ms)
-- Returns the number of actions in the window, this one included.

local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return n
