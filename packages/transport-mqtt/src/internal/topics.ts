/**
 * Whether a topic (a PUBLISH's topic name) matches the topic filter `filter`, as MQTT matches
 * them: `+` is one level, a trailing `#` is that level and every one below, and a topic starting
 * with `$` is matched by no wildcard in the first level. A filter without wildcards is compared
 * as it is.
 *
 * @param filter - the topic filter, without a `$share/<group>/` prefix
 */
export function topicMatcher(filter: string): (topic: string) => boolean {
  if (!filter.includes("+") && !filter.includes("#")) return (topic) => topic === filter;
  const wanted = filter.split("/");
  return (topic) => matches(wanted, topic);
}

function matches(wanted: readonly string[], topic: string): boolean {
  const levels = topic.split("/");
  if (topic.startsWith("$") && (wanted[0] === "+" || wanted[0] === "#")) return false;
  for (let i = 0; i < wanted.length; i++) {
    const level = wanted[i];
    if (level === "#") return true;
    if (i >= levels.length) return false;
    if (level !== "+" && level !== levels[i]) return false;
  }
  return wanted.length === levels.length;
}

/** Whether `name` is a topic a message may be published to: not empty, no wildcard, no NUL. */
export function isTopicName(name: string): boolean {
  return name.length > 0 && !name.includes("+") && !name.includes("#") && !name.includes("\u0000");
}

/** Whether `filter` is a valid topic filter: `+` only as a whole level, `#` only as the whole last one. */
export function isTopicFilter(filter: string): boolean {
  if (filter.length === 0 || filter.includes("\u0000")) return false;
  const levels = filter.split("/");
  return levels.every((level, i) => (level.includes("+") ? level === "+" : true) && (level.includes("#") ? level === "#" && i === levels.length - 1 : true));
}
