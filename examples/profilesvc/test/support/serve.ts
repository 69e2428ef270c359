// profilesvc's HTTP handler on a real socket on 127.0.0.1, on the repository given.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { nop } from "@kit/log";
import { makeEndpoints } from "../../src/endpoints.ts";
import { makeHTTPHandler } from "../../src/http.ts";
import type { ProfileRepository } from "../../src/repository.ts";
import { profileService } from "../../src/service.ts";

/** Serves profilesvc on `repo`; returns its base URL and how to stop it. */
export async function serve(repo: ProfileRepository): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(makeHTTPHandler(makeEndpoints(profileService(repo)), nop()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => { resolve(); });
      }),
  };
}
