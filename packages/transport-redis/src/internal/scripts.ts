/**
 * Moves an entry to the dead-letter stream and acknowledges it, in one step, so a dead letter
 * is written once: KEYS = [stream, dead-letter stream], ARGV = [group, id, fields…].
 */
export const deadLetterScript = `redis.call('XADD', KEYS[2], '*', unpack(ARGV, 3))
return redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])`;

/**
 * Deletes the subscriber's consumer from its group when it holds no pending entry (a consumer
 * deleted with pending entries would drop them): KEYS = [stream], ARGV = [group, consumer].
 */
export const leaveGroupScript = `if #redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2]) == 0 then
  return redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
end
return -1`;
