"""Lua scripts: every change of a conversation's owner or of a request's state is one atomic script,
so that exactly one party owns a conversation and exactly one agent wins a request.

The keys are keys.py's, not written again here: each script starts with `K`, a table with every key of
handoff/store/keys.py built from the prefix (ARGV[1]) by the same methods (`K.queue`, `K.conv(cid)`). The
hub targets a single Redis node, so the scripts may build keys from what they read. Scripts that answer
more than yes or no return a JSON object (cjson), which state.py reads by name into a typed result.
"""

from __future__ import annotations

import inspect

from handoff.store.keys import Keys

_PREFIX, _ARG = "\x01", "\x02"


def _lua_key(name: str) -> str:
    """keys.py's key `name` as Lua: a string for a property, a function of its one argument for a method."""
    member = inspect.getattr_static(Keys, name)
    keys = Keys(_PREFIX)
    template = member.fget(keys) if isinstance(member, property) else getattr(keys, name)(_ARG)
    parts = []
    for piece in template.replace(_PREFIX, "\0p\0").replace(_ARG, "\0a\0").split("\0"):
        if piece in ("p", "a"):
            parts.append(piece)
        elif piece:
            assert "'" not in piece and "\\" not in piece, piece
            parts.append(f"'{piece}'")
    body = " .. ".join(parts)
    return f"K.{name} = {body}" if isinstance(member, property) else f"K.{name} = function(a) return {body} end"


def _one_argument(name: str) -> bool:
    member = inspect.getattr_static(Keys, name)
    return isinstance(member, property) or len(inspect.signature(member).parameters) == 2


KEYS_PRELUDE = "local p = ARGV[1]\nlocal K = {}\n" + "".join(
    _lua_key(name) + "\n" for name in sorted(vars(Keys)) if not name.startswith("_") and name != "prefix"
    and _one_argument(name))

# Append one transcript entry and publish it. ARGV: prefix, cid, entry json (an object without
# seq/at), client_msg_id or '', requirement, now, ttl, language or ''.
# Requirement: '' none; 'agent:<user>' the user must own the conversation; 'bot:<epoch>' a bot
# reply, shown only if no agent took the conversation since the customer's message (else kept
# with "suppressed": true); 'customer' a customer message: if the bot owns the conversation it is
# queued for the bot (botq) in the same step.
# Returns {status, seq, owner}; status is ok | dup | refused.
APPEND = KEYS_PRELUDE + """
local cid = ARGV[2]
local conv = K.conv(cid)
local log = K.log(cid)
local ids = K.msg_ids(cid)
local msgid, req = ARGV[4], ARGV[5]
if msgid ~= '' then
  local seen = redis.call('HGET', ids, msgid)
  if seen then return cjson.encode({status = 'dup', seq = tonumber(seen), owner = redis.call('HGET', conv, 'owner') or 'bot'}) end
end
local owner = redis.call('HGET', conv, 'owner')
if not owner then
  owner = 'bot'
  redis.call('HSET', conv, 'owner', 'bot', 'epoch', 0)
end
local head = ''
if string.sub(req, 1, 6) == 'agent:' then
  if owner ~= 'agent' or redis.call('HGET', conv, 'agent') ~= string.sub(req, 7) then
    return cjson.encode({status = 'refused', seq = 0, owner = owner})
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
  redis.call('RPUSH', K.bot_queue(cid), seq)
  redis.call('SADD', K.bot_pending, cid)
end
local ttl = tonumber(ARGV[7])
redis.call('EXPIRE', conv, ttl)
redis.call('EXPIRE', log, ttl)
redis.call('EXPIRE', ids, ttl)
redis.call('PUBLISH', K.channel('conv:' .. cid), json)
return cjson.encode({status = 'ok', seq = seq, owner = owner})
"""

# Create a handoff request (or return the conversation's open one). ARGV: prefix, rid, cid, now,
# escalate_at, language, then field/value pairs for the request hash.
# Returns {status, rid, position}; status created | exists (position 0: an agent has it).
CREATE_REQUEST = KEYS_PRELUDE + """
local rid, cid, now = ARGV[2], ARGV[3], ARGV[4]
local conv = K.conv(cid)
local existing = redis.call('HGET', conv, 'request_id')
if existing then
  local st = redis.call('HGET', K.request(existing), 'state')
  if st == 'waiting' or st == 'assigned' then
    local rank = redis.call('ZRANK', K.queue, existing)
    return cjson.encode({status = 'exists', rid = existing, position = rank and rank + 1 or 0})
  end
end
local req = K.request(rid)
redis.call('HSET', req, 'rid', rid, 'cid', cid, 'created', now, 'state', 'waiting', 'escalated', '0')
for i = 7, #ARGV, 2 do redis.call('HSET', req, ARGV[i], ARGV[i + 1]) end
local owner = redis.call('HGET', conv, 'owner')
if not owner then redis.call('HSET', conv, 'epoch', 0, 'seq', 0, 'channel', redis.call('HGET', req, 'channel')) end
redis.call('HSET', conv, 'owner', 'queued', 'request_id', rid, 'language', ARGV[6])
redis.call('ZADD', K.pending, now, rid)
redis.call('HDEL', conv, 'agent', 'agent_name')
redis.call('ZADD', K.queue, now, rid)
redis.call('ZADD', K.timers, ARGV[5], 'escalate|' .. rid)
redis.call('SADD', K.live, cid)
return cjson.encode({status = 'created', rid = rid, position = redis.call('ZRANK', K.queue, rid) + 1})
"""

# Offer a waiting request to an agent with free capacity. ARGV: prefix, rid, user, offer_id, now,
# deadline. Returns 1 if offered.
OFFER = KEYS_PRELUDE + """
local rid, user = ARGV[2], ARGV[3]
local req = K.request(rid)
local offers = K.offers(rid)
if redis.call('HGET', req, 'state') ~= 'waiting' then return 0 end
if redis.call('HGET', req, 'escalated') ~= '1' and redis.call('HLEN', offers) > 0 then return 0 end
if redis.call('HEXISTS', offers, user) == 1 then return 0 end
local agent = K.agent(user)
if redis.call('HGET', agent, 'state') ~= 'available' then return 0 end
local busy = redis.call('SCARD', K.agent_convs(user)) + redis.call('SCARD', K.agent_offers(user))
if busy >= tonumber(redis.call('HGET', agent, 'capacity') or '1') then return 0 end
redis.call('HSET', offers, user, ARGV[4])
redis.call('SADD', K.agent_offers(user), rid)
redis.call('ZREM', K.pending, rid)
redis.call('HSETNX', req, 'first_offered', ARGV[5])
redis.call('ZADD', K.timers, ARGV[6], 'offer|' .. rid .. '|' .. user .. '|' .. ARGV[4])
return 1
"""

# Withdraw one offer (declined, or its reservation ran out). ARGV: prefix, rid, user, offer_id or ''.
WITHDRAW = KEYS_PRELUDE + """
local rid, user = ARGV[2], ARGV[3]
local offers = K.offers(rid)
local current = redis.call('HGET', offers, user)
if not current or (ARGV[4] ~= '' and current ~= ARGV[4]) then return 0 end
redis.call('HDEL', offers, user)
redis.call('SREM', K.agent_offers(user), rid)
redis.call('SADD', K.tried(rid), user)
local req = K.request(rid)
if redis.call('HGET', req, 'state') == 'waiting' and redis.call('HLEN', offers) == 0 then
  redis.call('ZADD', K.pending, redis.call('HGET', req, 'created'), rid)
end
return 1
"""

# Give a waiting request to a user: compare-and-set, so of two accepts exactly one wins.
# ARGV: prefix, rid, user, display_name, now, mode ('offer': must hold an offer; 'takeover': a
# supervisor, may also take an assigned conversation from its agent).
# Returns {status, cid, previous (the agent a takeover took it from, or ''), created, withdrawn (the
# other offerees), taken_by (already_taken: the agent's name)}; status ok | not_found | already_yours |
# already_taken | not_offered.
ACCEPT = KEYS_PRELUDE + """
local rid, user, name, now, mode = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local req = K.request(rid)
local state = redis.call('HGET', req, 'state')
if not state then return cjson.encode({status = 'not_found'}) end
local cid = redis.call('HGET', req, 'cid')
local conv = K.conv(cid)
local previous = ''
if state == 'assigned' and mode == 'takeover' then
  previous = redis.call('HGET', req, 'agent')
  if previous == user then return cjson.encode({status = 'already_yours', cid = cid}) end
  redis.call('SREM', K.agent_convs(previous), cid)
  redis.call('HSET', K.agent(previous), 'last_assigned', now)
elseif state ~= 'waiting' then
  return cjson.encode({status = 'already_taken', cid = cid, taken_by = redis.call('HGET', req, 'agent_name') or ''})
elseif mode == 'offer' and redis.call('HEXISTS', K.offers(rid), user) == 0 then
  return cjson.encode({status = 'not_offered', cid = cid})
end
local created = redis.call('HGET', req, 'created')
local withdrawn = {}
local offerees = redis.call('HKEYS', K.offers(rid))
for _, a in ipairs(offerees) do
  redis.call('SREM', K.agent_offers(a), rid)
  if a ~= user then table.insert(withdrawn, a) end
end
redis.call('DEL', K.offers(rid), K.tried(rid))
if state == 'waiting' then redis.call('HSET', req, 'accepted', now) end
redis.call('HSET', req, 'state', 'assigned', 'agent', user, 'agent_name', name)
redis.call('ZREM', K.queue, rid)
redis.call('ZREM', K.pending, rid)
redis.call('SREM', K.escalated, rid)
redis.call('ZREM', K.timers, 'escalate|' .. rid)
redis.call('HSET', conv, 'owner', 'agent', 'agent', user, 'agent_name', name)
redis.call('HINCRBY', conv, 'epoch', 1)
redis.call('SADD', K.agent_convs(user), cid)
redis.call('HSET', K.agent(user), 'last_assigned', now)
redis.call('SADD', K.live, cid)
return cjson.encode({status = 'ok', cid = cid, previous = previous, created = created, withdrawn = withdrawn})
"""

# End the human part of a conversation: the bot owns it again (on hand back, if the agent chose so,
# it also gets the customer's messages the agent left unanswered). ARGV: prefix, cid, user ('' = any
# owner, e.g. a supervisor), outcome (handed_back|closed|cancelled), now, bot_answers ('1' or '').
# Returns {status, rid, agent (or ''), withdrawn (the offerees)}; status ok | not_found | not_waiting |
# not_with_agent | not_yours.
RELEASE = KEYS_PRELUDE + """
local cid, user, outcome, now = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local conv = K.conv(cid)
local owner = redis.call('HGET', conv, 'owner')
local rid = redis.call('HGET', conv, 'request_id')
if not rid then return cjson.encode({status = 'not_found'}) end
local req = K.request(rid)
local agent = redis.call('HGET', conv, 'agent') or ''
if outcome == 'cancelled' then
  if owner ~= 'queued' then return cjson.encode({status = 'not_waiting', rid = rid}) end
elseif owner ~= 'agent' then
  return cjson.encode({status = 'not_with_agent', rid = rid})
elseif user ~= '' and agent ~= user then
  return cjson.encode({status = 'not_yours', rid = rid})
end
local withdrawn = {}
for _, a in ipairs(redis.call('HKEYS', K.offers(rid))) do
  redis.call('SREM', K.agent_offers(a), rid)
  table.insert(withdrawn, a)
end
redis.call('DEL', K.offers(rid), K.tried(rid))
redis.call('HSET', req, 'state', outcome, 'closed', now)
redis.call('ZREM', K.queue, rid)
redis.call('ZREM', K.pending, rid)
redis.call('SREM', K.escalated, rid)
redis.call('ZREM', K.timers, 'escalate|' .. rid)
if agent ~= '' then
  redis.call('SREM', K.agent_convs(agent), cid)
  redis.call('HSET', K.agent(agent), 'last_assigned', now)
end
redis.call('HSET', conv, 'owner', 'bot')
redis.call('HDEL', conv, 'agent', 'agent_name')
redis.call('HINCRBY', conv, 'epoch', 1)
redis.call('SREM', K.live, cid)
redis.call('EXPIRE', req, 604800)
if outcome == 'handed_back' and ARGV[6] == '1' then
  -- Customer messages after the agent's last word were nobody's answer yet: the agent chose that the
  -- bot takes them (not by default: "转人工" run again would put her straight back in the queue), in
  -- the same step as the switch, so none is dropped and none is answered twice.
  local log = K.log(cid)
  local n = redis.call('LLEN', log)
  local unanswered = {}
  for i = n - 1, math.max(0, n - 50), -1 do
    local e = cjson.decode(redis.call('LINDEX', log, i))
    if e['sender'] == 'agent' or e['kind'] == 'agent_joined' then break end
    if e['sender'] == 'customer' and not e['kind'] then table.insert(unanswered, 1, e['seq']) end
  end
  for _, seq in ipairs(unanswered) do redis.call('RPUSH', K.bot_queue(cid), seq) end
  if #unanswered > 0 then redis.call('SADD', K.bot_pending, cid) end
end
return cjson.encode({status = 'ok', rid = rid, agent = agent, withdrawn = withdrawn})
"""

# Mark a waiting request escalated (once). ARGV: prefix, rid. Returns 1 the first time.
ESCALATE = KEYS_PRELUDE + """
local req = K.request(ARGV[2])
if redis.call('HGET', req, 'state') ~= 'waiting' or redis.call('HGET', req, 'escalated') == '1' then return 0 end
redis.call('HSET', req, 'escalated', '1')
redis.call('SADD', K.escalated, ARGV[2])
return 1
"""

# Name the customer on a conversation's open request (waiting, or with an agent) that named nobody: the
# app's token arrived after the handoff. ARGV: prefix, cid, customer id. Returns the rid, or '' if none changed.
NAME_CUSTOMER = KEYS_PRELUDE + """
local rid = redis.call('HGET', K.conv(ARGV[2]), 'request_id')
if not rid then return '' end
local req = K.request(rid)
local st = redis.call('HGET', req, 'state')
if (st ~= 'waiting' and st ~= 'assigned') or (redis.call('HGET', req, 'customer_id') or '') ~= '' then return '' end
redis.call('HSET', req, 'customer_id', ARGV[3])
return rid
"""

# Pass a conversation an agent owns to a named colleague or back to the queue (handoff/transfer.py).
# ARGV: prefix, cid, user ('' = a supervisor: any owner), new rid, now, escalate_at, target user or ''
# (the queue), target's display name, then field/value pairs for the new request.
# Returns {status, old_rid, previous (the agent who had it)}; status ok | not_found | not_with_agent |
# not_yours | same_agent | target_unavailable | target_full.
TRANSFER = KEYS_PRELUDE + """
local cid, user, rid, now, esc_at, target, tname = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local conv = K.conv(cid)
local old = redis.call('HGET', conv, 'request_id')
if not old then return cjson.encode({status = 'not_found'}) end
if redis.call('HGET', conv, 'owner') ~= 'agent' then return cjson.encode({status = 'not_with_agent', old_rid = old}) end
local agent = redis.call('HGET', conv, 'agent') or ''
if user ~= '' and agent ~= user then return cjson.encode({status = 'not_yours', old_rid = old}) end
if target ~= '' then
  if target == agent then return cjson.encode({status = 'same_agent', old_rid = old}) end
  local a = K.agent(target)
  if redis.call('HGET', a, 'state') ~= 'available' or redis.call('HGET', a, 'disabled') == '1' then
    return cjson.encode({status = 'target_unavailable', old_rid = old})
  end
  local busy = redis.call('SCARD', K.agent_convs(target)) + redis.call('SCARD', K.agent_offers(target))
  if busy >= tonumber(redis.call('HGET', a, 'capacity') or '1') then
    return cjson.encode({status = 'target_full', old_rid = old})
  end
end
redis.call('HSET', K.request(old), 'state', 'transferred', 'closed', now)
redis.call('EXPIRE', K.request(old), 604800)
redis.call('SREM', K.agent_convs(agent), cid)
redis.call('HSET', K.agent(agent), 'last_assigned', now)
local req = K.request(rid)
redis.call('HSET', req, 'rid', rid, 'cid', cid, 'created', now, 'state', 'waiting', 'escalated', '0')
for i = 9, #ARGV, 2 do redis.call('HSET', req, ARGV[i], ARGV[i + 1]) end
redis.call('HINCRBY', conv, 'epoch', 1)
if target == '' then
  redis.call('HSET', conv, 'owner', 'queued', 'request_id', rid)
  redis.call('HDEL', conv, 'agent', 'agent_name')
  redis.call('ZADD', K.pending, now, rid)
  redis.call('ZADD', K.queue, now, rid)
  redis.call('ZADD', K.timers, esc_at, 'escalate|' .. rid)
  -- whoever passed it on is asked last (the router's round starts with those not yet tried)
  if agent ~= '' then redis.call('SADD', K.tried(rid), agent) end
else
  redis.call('HSET', req, 'state', 'assigned', 'agent', target, 'agent_name', tname, 'accepted', now)
  redis.call('HSET', conv, 'owner', 'agent', 'agent', target, 'agent_name', tname, 'request_id', rid)
  redis.call('SADD', K.agent_convs(target), cid)
  redis.call('HSET', K.agent(target), 'last_assigned', now)
end
redis.call('SADD', K.live, cid)
return cjson.encode({status = 'ok', old_rid = old, previous = agent})
"""
