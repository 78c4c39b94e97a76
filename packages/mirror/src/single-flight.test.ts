import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SingleFlight } from "./single-flight.ts";

describe("SingleFlight", () => {
  it("runs one call per key at a time and shares its result", async () => {
    const flight = new SingleFlight<number>();
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const start = async () => {
      calls++;
      await gate;
      return calls;
    };
    const results = Promise.all([flight.run("a", start), flight.run("a", start), flight.run("b", start)]);
    release();
    assert.deepEqual(await results, [2, 2, 2]);
    assert.equal(calls, 2);
    assert.equal(await flight.run("a", start), 3, "a finished call is not reused");
  });

  it("shares failures, then lets the next call start afresh", async () => {
    const flight = new SingleFlight<string>();
    const failing = async () => {
      throw new Error("boom");
    };
    await Promise.all([assert.rejects(flight.run("k", failing), /boom/), assert.rejects(flight.run("k", failing), /boom/)]);
    assert.equal(await flight.run("k", async () => "ok"), "ok");
  });
});
