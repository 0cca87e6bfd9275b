import cliProgress from 'cli-progress';

/** A progress bar on standard error (cli-progress), redrawn at most 5 times a second; does
 *  nothing when disabled. */
export class Progress {
  private readonly bar: cliProgress.SingleBar | undefined;
  private value = 0;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(enabled: boolean, total: number, unit: string) {
    if (!enabled || total <= 0) return;
    this.bar = new cliProgress.SingleBar(
      { format: `{bar} {percentage}% | {value}/{total} ${unit} | {rate}/s | ETA {eta_formatted}`, stream: process.stderr, clearOnComplete: true, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    const started = performance.now();
    this.bar.start(total, 0, { rate: 0 });
    this.timer = setInterval(() => {
      this.bar?.update(this.value, { rate: Math.round(this.value / ((performance.now() - started) / 1000)) });
    }, 200);
    this.timer.unref();
  }

  set(value: number): void {
    this.value = value;
  }

  stop(): void {
    clearInterval(this.timer);
    this.bar?.stop();
  }
}
