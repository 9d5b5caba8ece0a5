"""Lua scripts: every change of a conversation's owner or of a request's state is one atomic script,
so that exactly one party owns a conversation and exactly one agent wins a request.

Keys are built inside the scripts from the prefix (ARGV[1]); the hub targets a single Redis node.
"""

from __future__ import annotations

# Append one transcript entry and publish it. ARGV: prefix, cid, entry json (an object without
# seq/at), client_msg_id or '', requirement, now, ttl, language or ''.
# Requirement: '' none; 'agent:<user>' the user must own the conversation; 'bot:<epoch>' a bot
# reply, shown only if no agent took the conversation since the customer's message (else kept
# with "suppressed": true); 'customer' a customer message: if the bot owns the conversation it is
# queued for the bot (botq) in the same step.
# Returns {status, seq, owner}; status is ok | dup | refused.
APPEND = """
local p, cid = ARGV[1], ARGV[2]
local conv = p .. ':c:' .. cid
local log = conv .. ':log'
local ids = conv .. ':ids'
local msgid, req = ARGV[4], ARGV[5]
if msgid ~= '' then
  local seen = redis.call('HGET', ids, msgid)
  if seen then return {'dup', tonumber(seen), redis.call('HGET', conv, 'owner') or 'bot'} end
end
local owner = redis.call('HGET', conv, 'owner')
if not owner then
  owner = 'bot'
  redis.call('HSET', conv, 'owner', 'bot', 'epoch', 0)
end
local head = ''
if string.sub(req, 1, 6) == 'agent:' then
  if owner ~= 'agent' or redis.call('HGET', conv, 'agent') ~= string.sub(req, 7) then
    return {'refused', 0, owner}
  end
elseif string.sub(req, 1, 4) == 'bot:' then
  if owner == 'agent' or (redis.call('HGET', conv, 'epoch') or '0') ~= string.sub(req, 5) then
    head = '"suppressed":true,'
  end
end
if ARGV[8] ~= '' then redis.call('HSET', conv, 'language', ARGV[8]) end
local seq = redis.call('HINCRBY', conv, 'seq', 1)
local json = '{"seq":' .. seq .. ',"at":' .. ARGV[6] .. ',' .. head .. string.sub(ARGV[3], 2)
redis.call('RPUSH', log, json)
if msgid ~= '' then redis.call('HSET', ids, msgid, seq) end
if req == 'customer' and owner == 'bot' then
  redis.call('RPUSH', conv .. ':botq', seq)
  redis.call('SADD', p .. ':botpending', cid)
end
local ttl = tonumber(ARGV[7])
redis.call('EXPIRE', conv, ttl)
redis.call('EXPIRE', log, ttl)
redis.call('EXPIRE', ids, ttl)
redis.call('PUBLISH', p .. ':ev:conv:' .. cid, json)
return {'ok', seq, owner}
"""

# Create a handoff request (or return the conversation's open one). ARGV: prefix, rid, cid, now,
# escalate_at, language, then field/value pairs for the request hash. Returns {status, rid, position}.
CREATE_REQUEST = """
local p, rid, cid, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local conv = p .. ':c:' .. cid
local existing = redis.call('HGET', conv, 'request_id')
if existing then
  local st = redis.call('HGET', p .. ':r:' .. existing, 'state')
  if st == 'waiting' or st == 'assigned' then
    local rank = redis.call('ZRANK', p .. ':queue', existing)
    return {'exists', existing, rank and rank + 1 or 0}
  end
end
local req = p .. ':r:' .. rid
redis.call('HSET', req, 'rid', rid, 'cid', cid, 'created', now, 'state', 'waiting', 'escalated', '0')
for i = 7, #ARGV, 2 do redis.call('HSET', req, ARGV[i], ARGV[i + 1]) end
local owner = redis.call('HGET', conv, 'owner')
if not owner then redis.call('HSET', conv, 'epoch', 0, 'seq', 0, 'channel', redis.call('HGET', req, 'channel')) end
redis.call('HSET', conv, 'owner', 'queued', 'request_id', rid, 'language', ARGV[6])
redis.call('ZADD', p .. ':pending', now, rid)
redis.call('HDEL', conv, 'agent', 'agent_name')
redis.call('ZADD', p .. ':queue', now, rid)
redis.call('ZADD', p .. ':timers', ARGV[5], 'escalate|' .. rid)
redis.call('SADD', p .. ':live', cid)
return {'created', rid, redis.call('ZRANK', p .. ':queue', rid) + 1}
"""

# Offer a waiting request to an agent with free capacity. ARGV: prefix, rid, user, offer_id, now,
# deadline. Returns 1 if offered.
OFFER = """
local p, rid, user = ARGV[1], ARGV[2], ARGV[3]
local req = p .. ':r:' .. rid
local offers = req .. ':offers'
if redis.call('HGET', req, 'state') ~= 'waiting' then return 0 end
if redis.call('HGET', req, 'escalated') ~= '1' and redis.call('HLEN', offers) > 0 then return 0 end
if redis.call('HEXISTS', offers, user) == 1 then return 0 end
local agent = p .. ':a:' .. user
if redis.call('HGET', agent, 'state') ~= 'available' then return 0 end
local busy = redis.call('SCARD', agent .. ':convs') + redis.call('SCARD', agent .. ':offers')
if busy >= tonumber(redis.call('HGET', agent, 'capacity') or '1') then return 0 end
redis.call('HSET', offers, user, ARGV[4])
redis.call('SADD', agent .. ':offers', rid)
redis.call('ZREM', p .. ':pending', rid)
redis.call('HSETNX', req, 'first_offered', ARGV[5])
redis.call('ZADD', p .. ':timers', ARGV[6], 'offer|' .. rid .. '|' .. user .. '|' .. ARGV[4])
return 1
"""

# Withdraw one offer (declined, or its reservation ran out). ARGV: prefix, rid, user, offer_id or ''.
WITHDRAW = """
local p, rid, user = ARGV[1], ARGV[2], ARGV[3]
local offers = p .. ':r:' .. rid .. ':offers'
local current = redis.call('HGET', offers, user)
if not current or (ARGV[4] ~= '' and current ~= ARGV[4]) then return 0 end
redis.call('HDEL', offers, user)
redis.call('SREM', p .. ':a:' .. user .. ':offers', rid)
redis.call('SADD', p .. ':r:' .. rid .. ':tried', user)
local req = p .. ':r:' .. rid
if redis.call('HGET', req, 'state') == 'waiting' and redis.call('HLEN', offers) == 0 then
  redis.call('ZADD', p .. ':pending', redis.call('HGET', req, 'created'), rid)
end
return 1
"""

# Give a waiting request to a user: compare-and-set, so of two accepts exactly one wins.
# ARGV: prefix, rid, user, display_name, now, mode ('offer': must hold an offer; 'takeover': a
# supervisor, may also take an assigned conversation from its agent).
# Returns {status, cid, previous agent or '', created, withdrawn offerees...}.
ACCEPT = """
local p, rid, user, name, now, mode = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local req = p .. ':r:' .. rid
local state = redis.call('HGET', req, 'state')
if not state then return {'not_found'} end
local cid = redis.call('HGET', req, 'cid')
local conv = p .. ':c:' .. cid
local previous = ''
if state == 'assigned' and mode == 'takeover' then
  previous = redis.call('HGET', req, 'agent')
  if previous == user then return {'already_yours', cid} end
  redis.call('SREM', p .. ':a:' .. previous .. ':convs', cid)
  redis.call('HSET', p .. ':a:' .. previous, 'last_assigned', now)
elseif state ~= 'waiting' then
  return {'already_taken', cid, redis.call('HGET', req, 'agent_name') or ''}
elseif mode == 'offer' and redis.call('HEXISTS', req .. ':offers', user) == 0 then
  return {'not_offered', cid}
end
local result = {'ok', cid, previous, redis.call('HGET', req, 'created')}
local offerees = redis.call('HKEYS', req .. ':offers')
for _, a in ipairs(offerees) do
  redis.call('SREM', p .. ':a:' .. a .. ':offers', rid)
  if a ~= user then table.insert(result, a) end
end
redis.call('DEL', req .. ':offers', req .. ':tried')
if state == 'waiting' then redis.call('HSET', req, 'accepted', now) end
redis.call('HSET', req, 'state', 'assigned', 'agent', user, 'agent_name', name)
redis.call('ZREM', p .. ':queue', rid)
redis.call('ZREM', p .. ':pending', rid)
redis.call('SREM', p .. ':escalated', rid)
redis.call('ZREM', p .. ':timers', 'escalate|' .. rid)
redis.call('HSET', conv, 'owner', 'agent', 'agent', user, 'agent_name', name)
redis.call('HINCRBY', conv, 'epoch', 1)
redis.call('SADD', p .. ':a:' .. user .. ':convs', cid)
redis.call('HSET', p .. ':a:' .. user, 'last_assigned', now)
redis.call('SADD', p .. ':live', cid)
return result
"""

# End the human part of a conversation: the bot owns it again (on hand back, if the agent chose so,
# it also gets the customer's messages the agent left unanswered). ARGV: prefix, cid, user ('' = any
# owner, e.g. a supervisor), outcome (handed_back|closed|cancelled), now, bot_answers ('1' or '').
# Returns {status, rid, agent or '', offerees withdrawn...}.
RELEASE = """
local p, cid, user, outcome, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local conv = p .. ':c:' .. cid
local owner = redis.call('HGET', conv, 'owner')
local rid = redis.call('HGET', conv, 'request_id')
if not rid then return {'not_found'} end
local req = p .. ':r:' .. rid
local agent = redis.call('HGET', conv, 'agent') or ''
if outcome == 'cancelled' then
  if owner ~= 'queued' then return {'not_waiting', rid} end
elseif owner ~= 'agent' then
  return {'not_with_agent', rid}
elseif user ~= '' and agent ~= user then
  return {'not_yours', rid}
end
local result = {'ok', rid, agent}
for _, a in ipairs(redis.call('HKEYS', req .. ':offers')) do
  redis.call('SREM', p .. ':a:' .. a .. ':offers', rid)
  table.insert(result, a)
end
redis.call('DEL', req .. ':offers', req .. ':tried')
redis.call('HSET', req, 'state', outcome, 'closed', now)
redis.call('ZREM', p .. ':queue', rid)
redis.call('ZREM', p .. ':pending', rid)
redis.call('SREM', p .. ':escalated', rid)
redis.call('ZREM', p .. ':timers', 'escalate|' .. rid)
if agent ~= '' then
  redis.call('SREM', p .. ':a:' .. agent .. ':convs', cid)
  redis.call('HSET', p .. ':a:' .. agent, 'last_assigned', now)
end
redis.call('HSET', conv, 'owner', 'bot')
redis.call('HDEL', conv, 'agent', 'agent_name')
redis.call('HINCRBY', conv, 'epoch', 1)
redis.call('SREM', p .. ':live', cid)
redis.call('EXPIRE', req, 604800)
if outcome == 'handed_back' and ARGV[6] == '1' then
  -- Customer messages after the agent's last word were nobody's answer yet: the agent chose that the
  -- bot takes them (not by default: "转人工" run again would put her straight back in the queue), in
  -- the same step as the switch, so none is dropped and none is answered twice.
  local log = conv .. ':log'
  local n = redis.call('LLEN', log)
  local unanswered = {}
  for i = n - 1, math.max(0, n - 50), -1 do
    local e = cjson.decode(redis.call('LINDEX', log, i))
    if e['sender'] == 'agent' or e['kind'] == 'agent_joined' then break end
    if e['sender'] == 'customer' and not e['kind'] then table.insert(unanswered, 1, e['seq']) end
  end
  for _, seq in ipairs(unanswered) do redis.call('RPUSH', conv .. ':botq', seq) end
  if #unanswered > 0 then redis.call('SADD', p .. ':botpending', cid) end
end
return result
"""

# Mark a waiting request escalated (once). ARGV: prefix, rid. Returns 1 the first time.
ESCALATE = """
local req = ARGV[1] .. ':r:' .. ARGV[2]
if redis.call('HGET', req, 'state') ~= 'waiting' or redis.call('HGET', req, 'escalated') == '1' then return 0 end
redis.call('HSET', req, 'escalated', '1')
redis.call('SADD', ARGV[1] .. ':escalated', ARGV[2])
return 1
"""
