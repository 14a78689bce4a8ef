// Waiting for the page without Playwright's injected script.
//
// `page.waitForFunction` and locators install Playwright's injected script (about 330 KB of
// JavaScript) in the page the first time they are used in a world: a 20–25 ms task on the
// page's main thread. Used right after a navigation or a click, that task fell inside the
// windows the benchmarks measure: between the app's mount and its first paint, and in the
// paste's apply stage (traced; for `?bench`, in whatever phase was running when it came —
// BENCHMARKS.md, "The driver's own script", session 13). `page.evaluate` only needs
// Playwright's small utility script (~13 KB, a task of 1–2 ms), so these waits poll
// inside the page with it instead.

/** What can be waited for. */
const WHAT = ['mounted', 'painted', 'harness'];

/**
 * Resolves when `what` holds in the page — `mounted`: the app is mounted (the
 * `orrery:first-render` mark of src/main.rs); `painted`: the first contentful paint (the
 * body is empty until the app mounts); `harness`: the benchmark harness is done or failed —
 * polling every `every` ms in the page; rejects after `timeout` ms.
 */
export async function waitQuietly(page, what, { timeout = 60_000, every = 50 } = {}) {
  if (!WHAT.includes(what)) throw new Error(`waitQuietly: nothing called ${what}`);
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waitQuietly: '${what}' not after ${timeout} ms`)), timeout);
  });
  try {
    await Promise.race([
      late,
      page.evaluate(
        ([what, every]) =>
          new Promise((done) => {
            const ok = () => {
              if (what === 'mounted') return performance.getEntriesByName('orrery:first-render').length > 0;
              if (what === 'painted') return performance.getEntriesByName('first-contentful-paint').length > 0;
              const s = document.querySelector('[data-testid="bench-results"]')?.dataset.state;
              return s === 'done' || s === 'error';
            };
            const look = () => (ok() ? done() : setTimeout(look, every));
            look();
          }),
        [what, every],
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
