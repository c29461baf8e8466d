// How both processes run and end: serve until SIGTERM stops the workers, then exit.
import type { Log } from './logging';

/** Awaits the workers' run (it ends at SIGTERM): 0 when they stopped, 1 when one failed. */
export async function untilStopped(running: Promise<unknown>, role: string, log: Log): Promise<number> {
  try {
    await running;
    log.info(`${role} stopping`);
    return 0;
  } catch (err) {
    log.error('a worker failed', { error: err });
    return 1;
  }
}

/** Runs `main` and exits with its code; a failure before it serves exits 1. */
export function runMain(role: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`${role}: startup failed:`, err);
      process.exit(1);
    },
  );
}
