import type { IClientPublishOptions } from "mqtt";
import { toUserProperties, type UserProperties } from "./properties.ts";

/**
 * The options a publisher hands mqtt.js with each message (QoS 1, the headers as user
 * properties), made again only when a message's headers differ from the last one's. Nearly
 * every message has the same ones (the encoder's `content-type`), and mqtt.js neither changes
 * nor keeps the options it is given (it copies a QoS 1 packet into its store before it sends
 * it), so messages can share them: a publish then costs no user-property object of its own.
 */
export class PublishOptions {
  /** The user properties of the options made last, and how many there are. */
  #userProperties: UserProperties | undefined;
  #count = 0;
  #options: IClientPublishOptions = { qos: 1, properties: {} };

  /**
   * The options for a message with `headers`.
   *
   * @param headers - the message's headers, lower-case names
   */
  for(headers: ReadonlyMap<string, string>): IClientPublishOptions {
    if (!this.#matches(headers)) {
      const userProperties = toUserProperties(headers);
      this.#userProperties = userProperties;
      this.#count = headers.size;
      this.#options = { qos: 1, properties: userProperties === undefined ? {} : { userProperties } };
    }
    return this.#options;
  }

  /** Whether the options made last carry exactly `headers`. */
  #matches(headers: ReadonlyMap<string, string>): boolean {
    if (headers.size !== this.#count) return false;
    for (const [name, value] of headers) if (this.#userProperties?.[name] !== value) return false;
    return true;
  }
}
