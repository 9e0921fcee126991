export * from "./errors.js";
export * from "./array.js";
