#!/usr/bin/env node
/**
 * Two builds of the library in one process, alternating: `node bench/ab.mjs OLD_DIST NEW_DIST [d]`
 * times one KL(MVN‖MVN) from covariances at order d (default 1000) with each build's default
 * backend and threads, 15 alternating runs after 3 warm-ups, and prints both medians, their
 * ratio and whether the two values have the same bits. For checking that a refactoring step did
 * not change speed or results: build the earlier commit in another clone (`npx tsup` there) and
 * pass both `dist/index.js` paths.
 */
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const [oldPath, newPath, dArg] = process.argv.slice(2);
if (!oldPath || !newPath) {
  console.error("usage: node bench/ab.mjs OLD/dist/index.js NEW/dist/index.js [d]");
  process.exit(2);
}
const load = (p) => import(pathToFileURL(resolve(p)).href);
const builds = [await load(oldPath), await load(newPath)];
// start each build's dense threads (the older API name first, the current one otherwise)
for (const K of builds) await (K.initBackend ?? K.startDenseThreads)();
const d = Number(dArg ?? 1000);
const rng = new builds[1].Random(3);
const spd = () => {
  const a = Float64Array.from({ length: d * d }, () => rng.normal());
  const c = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += a[i * d + k] * a[j * d + k];
      c[i * d + j] = c[j * d + i] = s / d + (i === j ? 0.1 : 0);
    }
  return { data: c, shape: [d, d] };
};
const S0 = spd();
const S1 = spd();
const m = new Float64Array(d);
const run = (K) => {
  const t = performance.now();
  const v = K.kl(K.MultivariateNormal.fromCovariance(m, S0), K.MultivariateNormal.fromCovariance(m, S1));
  return [performance.now() - t, v];
};
for (let i = 0; i < 3; i++) for (const K of builds) run(K);
const times = [[], []];
for (let i = 0; i < 15; i++) builds.forEach((K, b) => times[b].push(run(K)[0]));
const med = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
const [o, n] = times.map(med);
console.log(
  `d=${d}: old ${o.toFixed(1)} ms, new ${n.toFixed(1)} ms (medians), new/old ${(n / o).toFixed(2)}; same bits: ${Object.is(run(builds[0])[1], run(builds[1])[1])}`,
);
process.exit(0);
