/**
 * oidc-provider reads its keys once, at construction. To publish a rotated key before it
 * signs (and to start signing with it when it activates) without a restart, the holder
 * reloads the keyset periodically and swaps in a provider built with the new one. Sessions,
 * grants and tokens live in the stores, so a swap is invisible to users.
 */
import type Provider from 'oidc-provider';
import type { Keyset } from '../services/signing-keys.js';

export interface ProviderHolder {
  current(): Provider;
  /** Reloads the keyset; returns true when a new provider was swapped in. */
  refresh(): Promise<boolean>;
  stop(): void;
}

export interface ProviderHolderOptions {
  loadKeyset(): Promise<Keyset>;
  build(keyset: Keyset): Provider;
  intervalMs: number;
  onError(err: unknown): void;
  onSwap?(keyset: Keyset): void;
}

const fingerprint = (k: Keyset) =>
  k.jwks.keys.map((j) => `${j.kid}:${(j.key_ops ?? []).join('+')}`).join(',');

export async function createProviderHolder(opts: ProviderHolderOptions): Promise<ProviderHolder> {
  let keyset = await opts.loadKeyset();
  let provider = opts.build(keyset);
  let timer: NodeJS.Timeout | undefined;

  async function refresh(): Promise<boolean> {
    const next = await opts.loadKeyset();
    if (fingerprint(next) === fingerprint(keyset)) return false;
    provider = opts.build(next);
    keyset = next;
    opts.onSwap?.(next);
    return true;
  }

  const schedule = () => {
    // wake at the interval, or exactly when a pending key activates if that is sooner
    const untilChange = keyset.nextChangeAt ? keyset.nextChangeAt.getTime() - Date.now() + 50 : Infinity;
    timer = setTimeout(
      () => {
        refresh().catch(opts.onError).finally(schedule);
      },
      Math.max(50, Math.min(opts.intervalMs, untilChange)),
    );
    timer.unref();
  };
  schedule();

  return {
    current: () => provider,
    refresh,
    stop: () => {
      if (timer) clearTimeout(timer);
    },
  };
}
