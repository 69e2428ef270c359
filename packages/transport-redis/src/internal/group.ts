import { Code, KitError } from "@kit/endpoint";
import type { RedisStreamClient } from "../client.ts";
import { fromRedisError } from "./errors.ts";

/**
 * Checks that `group` reads `stream`, creating both (`XGROUP CREATE … MKSTREAM`) when `create`
 * is set; a group that already exists is used as it is.
 *
 * @param client - the user's client
 * @param where - the stream and group; `create` to create them when missing, from `start`:
 *   `$` (new entries) or `0` (the first entry)
 * @throws KitError `not_found` when the stream or the group is missing and not to be created;
 *   the code of the table otherwise (`unavailable`, `failed_precondition` for a key that is not a
 *   stream, `permission_denied` for an ACL that refuses the command)
 */
export async function checkGroup(
  client: RedisStreamClient,
  where: { readonly stream: string; readonly group: string; readonly create: boolean; readonly start: string },
): Promise<void> {
  const { stream, group, create, start } = where;
  if (create) {
    try {
      await client.sendCommand(["XGROUP", "CREATE", stream, group, start, "MKSTREAM"]);
    } catch (thrown) {
      const why = fromRedisError(thrown, `XGROUP CREATE ${stream} ${group}`);
      if (why.code !== Code.AlreadyExists) throw why;
    }
    return;
  }
  let groups: unknown;
  try {
    groups = await client.sendCommand(["XINFO", "GROUPS", stream]);
  } catch (thrown) {
    const why = fromRedisError(thrown, `XINFO GROUPS ${stream}`);
    if (why.code === Code.NotFound) throw new KitError(Code.NotFound, `Redis stream ${stream} does not exist (create it with its group, or set createGroup)`, { cause: thrown });
    throw why;
  }
  if (!namesOf(groups).includes(group)) {
    throw new KitError(Code.NotFound, `Redis stream ${stream} has no consumer group ${group} (create it, or set createGroup)`);
  }
}

/** The group names in an `XINFO GROUPS` reply: a list of `[name, <name>, consumers, …]` (RESP2) or of maps (RESP3). */
function namesOf(reply: unknown): string[] {
  if (!Array.isArray(reply)) return [];
  return (reply as unknown[]).map((info) => {
    if (Array.isArray(info)) return String(info[info.indexOf("name") + 1]);
    if (info instanceof Map) return String(info.get("name"));
    return String((info as { name?: unknown } | null)?.name);
  });
}
