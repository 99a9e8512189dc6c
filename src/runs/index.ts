export * as runStore from "./run-store.js";
