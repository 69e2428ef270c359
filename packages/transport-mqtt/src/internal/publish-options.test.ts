import { describe, expect, it } from "vitest";
import { PublishOptions } from "./publish-options.ts";

describe("a publisher's publish options", () => {
  it("carry QoS 1 and the headers as user properties, made again only when the headers differ from the last message's", () => {
    const options = new PublishOptions();
    const json = options.for(new Map([["content-type", "application/json"]]));
    expect(json).toEqual({ qos: 1, properties: { userProperties: { "content-type": "application/json" } } });
    expect(options.for(new Map([["content-type", "application/json"]]))).toBe(json);
    const timed = options.for(new Map([["content-type", "application/json"], ["kit-timeout", "1500"]]));
    expect(timed).toEqual({ qos: 1, properties: { userProperties: { "content-type": "application/json", "kit-timeout": "1500" } } });
    expect(options.for(new Map([["content-type", "text/plain"]]))).toEqual({ qos: 1, properties: { userProperties: { "content-type": "text/plain" } } });
    expect(options.for(new Map())).toEqual({ qos: 1, properties: {} });
    expect(json).toEqual({ qos: 1, properties: { userProperties: { "content-type": "application/json" } } }); // what an earlier message was given is left as it was
  });
});
