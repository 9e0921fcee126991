/**
 * A progress bar on stderr for the long-running commands. It is drawn only when stderr is a
 * terminal (so pipes, files and CI logs stay clean) and only once the work has taken longer than
 * `delayMs` (so quick runs never flicker). `KULLBACK_PROGRESS=0` turns it off, `=1` forces it on
 * (even when stderr is not a terminal; used by the tests).
 */

export interface Progress {
  /** `done` of `total` units finished; `label` describes the current step. */
  update(done: number, label?: string): void;
  /** Removes the bar (if drawn). */
  finish(): void;
}

export interface ProgressOptions {
  /** Wait this long before drawing (default 300 ms). */
  delayMs?: number;
  /** Stream (default process.stderr). */
  stream?: { isTTY?: boolean; columns?: number; write(s: string): unknown };
  /** Overrides the TTY / environment decision. */
  enabled?: boolean;
}

function enabledFor(stream: { isTTY?: boolean }): boolean {
  const env = process.env.KULLBACK_PROGRESS;
  if (env === "0") return false;
  if (env === "1") return true;
  return stream.isTTY === true;
}

function seconds(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - 60 * m)).padStart(2, "0")}s`;
}

/**
 * A progress bar for `total` units of work titled `title`.
 * @example const bar = progress(rows, "pairwise KL"); bar.update(done); … bar.finish();
 */
export function progress(total: number, title: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const on = options.enabled ?? enabledFor(stream);
  const delay = options.delayMs ?? (process.env.KULLBACK_PROGRESS === "1" ? 0 : 300);
  const start = Date.now();
  let last = 0;
  let drawn = false;
  let label = "";
  const draw = (done: number) => {
    const now = Date.now();
    if (now - start < delay) return;
    if (drawn && now - last < 80 && done < total) return;
    last = now;
    const frac = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
    const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - 60));
    const fill = Math.round(frac * width);
    const elapsed = now - start;
    const eta = frac > 0.02 && frac < 1 ? ` eta ${seconds((elapsed * (1 - frac)) / frac)}` : "";
    let line = `${title} [${"#".repeat(fill)}${"-".repeat(width - fill)}] ${String(Math.floor(frac * 100)).padStart(3)}% ${seconds(elapsed)}${eta}`;
    if (label) line += `  ${label}`;
    const cols = stream.columns ?? 120;
    if (line.length > cols - 1) line = line.slice(0, cols - 1);
    stream.write(`\r\x1b[2K${line}`);
    drawn = true;
  };
  return {
    update(done: number, l?: string) {
      if (!on) return;
      if (l !== undefined) label = l;
      draw(done);
    },
    finish() {
      if (on && drawn) stream.write("\r\x1b[2K");
    },
  };
}
