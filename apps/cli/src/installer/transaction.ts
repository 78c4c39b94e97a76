/**
 * All-or-nothing changes to an environment. Files are staged in a directory beside the
 * destination (`<lib>/.wheelhouse-txn-<pid>-<id>/`), then committed by renames: first the files
 * being replaced or removed are moved into the transaction's backup, then the staged files are
 * moved into place. A journal written before each phase lets a later run undo a transaction
 * whose process died (SIGKILL, power loss): `recoverTransactions` restores the environment as it
 * was before the interrupted one began.
 */
import { randomBytes } from "node:crypto";
import { copyFile, lstat, mkdir, readFile, readdir, rename, rm, rmdir, unlink, writeFile } from "node:fs/promises";
import path from "node:path";

const PREFIX = ".wheelhouse-txn-";

type Phase = "staging" | "backing-up" | "moving" | "done";

interface Journal {
  version: 1;
  pid: number;
  phase: Phase;
  /** Staged slot (file name in `staged/`) → absolute destination. */
  moves: { slot: string; dest: string }[];
  /** Backup slot (file name in `backup/`) → the absolute path it was moved from. */
  backups: { slot: string; original: string }[];
  /** Directories that did not exist before the commit, shallowest first. */
  createdDirs: string[];
}

/** A point in the commit, given to the `onStep` hook (tests inject failures there). */
export type CommitStep = { kind: "backup"; index: number; path: string } | { kind: "move"; index: number; path: string };

export interface CommitPlan {
  /** Staged files and where they go. Each destination appears once. */
  moves: { slot: string; dest: string }[];
  /** Existing files to take out of the environment (replaced or uninstalled); missing ones are skipped. */
  remove: string[];
  onStep?: (step: CommitStep) => void | Promise<void>;
}

export class Transaction {
  private journal: Journal;
  private finished = false;

  private constructor(
    /** The transaction directory. */
    readonly dir: string,
  ) {
    this.journal = { version: 1, pid: process.pid, phase: "staging", moves: [], backups: [], createdDirs: [] };
  }

  /** Starts a transaction staged in `besideDir` (created if needed). */
  static async begin(besideDir: string): Promise<Transaction> {
    await mkdir(besideDir, { recursive: true });
    const tx = new Transaction(path.join(besideDir, `${PREFIX}${process.pid}-${randomBytes(6).toString("hex")}`));
    await mkdir(path.join(tx.dir, "staged"), { recursive: true });
    await mkdir(path.join(tx.dir, "backup"));
    await tx.writeJournal();
    return tx;
  }

  /** The path a staged file with this slot name is written to. */
  stagedPath(slot: string): string {
    return path.join(this.dir, "staged", slot);
  }

  /**
   * Takes the files in `remove` out, then moves the staged files into place. On any failure the
   * environment is put back as it was and the error rethrown. Returns the paths actually removed.
   */
  async commit(plan: CommitPlan): Promise<string[]> {
    const removed: string[] = [];
    for (const original of new Set([...plan.remove, ...plan.moves.map((m) => m.dest)])) {
      if (await lexists(original)) removed.push(original);
    }
    const destSet = new Set(plan.moves.map((m) => m.dest));
    this.journal.moves = plan.moves;
    this.journal.backups = removed.map((original, i) => ({ slot: `b${i}`, original }));
    this.journal.createdDirs = await missingParents(plan.moves.map((m) => m.dest));
    try {
      this.journal.phase = "backing-up";
      await this.writeJournal();
      for (const [i, b] of this.journal.backups.entries()) {
        await move(b.original, path.join(this.dir, "backup", b.slot));
        await plan.onStep?.({ kind: "backup", index: i, path: b.original });
      }
      this.journal.phase = "moving";
      await this.writeJournal();
      for (const dir of this.journal.createdDirs) await mkdir(dir, { recursive: true });
      for (const [i, m] of plan.moves.entries()) {
        await move(this.stagedPath(m.slot), m.dest);
        await plan.onStep?.({ kind: "move", index: i, path: m.dest });
      }
      this.journal.phase = "done";
      await this.writeJournal();
    } catch (e) {
      await rollback(this.dir, this.journal);
      this.finished = true;
      throw e;
    }
    await rm(this.dir, { recursive: true, force: true });
    this.finished = true;
    // Files replaced by a staged file are not "removed" from the caller's point of view.
    return removed.filter((p) => !destSet.has(p));
  }

  /** Discards the staged files; nothing in the environment was touched yet. */
  async abort(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await rm(this.dir, { recursive: true, force: true });
  }

  private async writeJournal(): Promise<void> {
    const file = path.join(this.dir, "journal.json");
    await writeFile(`${file}.tmp`, JSON.stringify(this.journal));
    await rename(`${file}.tmp`, file);
  }
}

/**
 * Undoes transactions left in `dirs` by processes that no longer run. Returns the transaction
 * directories it cleaned up.
 */
export async function recoverTransactions(dirs: Iterable<string>): Promise<string[]> {
  const recovered: string[] = [];
  for (const dir of new Set(dirs)) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.startsWith(PREFIX)) continue;
      const txDir = path.join(dir, name);
      let journal: Journal | null = null;
      try {
        journal = JSON.parse(await readFile(path.join(txDir, "journal.json"), "utf8")) as Journal;
      } catch {
        journal = null;
      }
      const pid = journal?.pid ?? Number(/^(\d+)-/.exec(name.slice(PREFIX.length))?.[1]);
      if (Number.isInteger(pid) && isAlive(pid)) continue;
      if (journal) await rollback(txDir, journal);
      else await rm(txDir, { recursive: true, force: true });
      recovered.push(txDir);
    }
  }
  return recovered;
}

async function rollback(txDir: string, journal: Journal): Promise<void> {
  if (journal.phase === "moving") {
    // Every file that was at a destination before went to the backup first, so whatever is
    // at a destination now came from this transaction.
    for (const m of journal.moves) {
      if (await lexists(m.dest)) await unlink(m.dest).catch(() => undefined);
    }
    for (const dir of [...journal.createdDirs].reverse()) await rmdir(dir).catch(() => undefined);
  }
  if (journal.phase === "backing-up" || journal.phase === "moving") {
    for (const b of journal.backups) {
      const slot = path.join(txDir, "backup", b.slot);
      if (!(await lexists(slot))) continue;
      await mkdir(path.dirname(b.original), { recursive: true });
      await move(slot, b.original);
    }
  }
  await rm(txDir, { recursive: true, force: true });
}

/** rename, or copy and unlink across devices. */
async function move(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
    await copyFile(from, to);
    await unlink(from);
  }
}

async function missingParents(files: string[]): Promise<string[]> {
  const missing = new Set<string>();
  const known = new Set<string>();
  for (const file of files) {
    let dir = path.dirname(file);
    const chain: string[] = [];
    while (!known.has(dir) && !missing.has(dir)) {
      if (await lexists(dir)) {
        known.add(dir);
        break;
      }
      chain.push(dir);
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    for (const d of chain) missing.add(d);
  }
  return [...missing].sort((a, b) => a.length - b.length);
}

export async function lexists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
