import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

// One file at a time: the README's stage 4 and the tutorial both serve Go kit's NATS subjects
// in the queue group stringsvc, and one must not stop while the other's request is on it.
export default mergeConfig(shared, defineConfig({ test: { name: "stringsvc", fileParallelism: false } }));
