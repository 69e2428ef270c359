import { repositoryContract } from "../test/support/repository-contract.ts";
import { memoryRepository } from "./memory-repository.ts";

repositoryContract("memoryRepository", () => Promise.resolve(memoryRepository()));
