import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, test } from "node:test";
import { limiter, mapLimit } from "./limit.ts";

describe("limiter", () => {
  test("runs at most n tasks at once, in the order handed in", async () => {
    const run = limiter(2);
    let active = 0;
    let most = 0;
    const started: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        run(async () => {
          started.push(i);
          most = Math.max(most, ++active);
          await sleep(5);
          active--;
        }),
      ),
    );
    assert.equal(most, 2);
    assert.deepEqual(started, [0, 1, 2, 3, 4]);
  });
});

describe("mapLimit", () => {
  test("gives the results in the items' order", async () => {
    assert.deepEqual(
      await mapLimit([3, 1, 2], 2, async (n) => {
        await sleep(n);
        return n * 10;
      }),
      [30, 10, 20],
    );
  });

  test("after a failure starts nothing more, and throws the first error once the running ones settled", async () => {
    const started: number[] = [];
    let settled = 0;
    await assert.rejects(
      mapLimit([0, 1, 2, 3, 4], 2, async (i) => {
        started.push(i);
        if (i === 0) throw new Error("first");
        await sleep(10);
        settled++;
        if (i === 1) throw new Error("second");
      }),
      /first/,
    );
    assert.deepEqual(started, [0, 1]);
    assert.equal(settled, 1);
  });
});
