// Prints the configuration table for the README from the one declaration in config.ts.
import { configTable } from "../apps/registry/src/config.ts";
console.log(configTable());
