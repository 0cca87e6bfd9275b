// The feature-level gates of half messages and transactions (docs/operations.md, "Feature
// levels"): what needs a level the controller has not finalized is refused with FeatureDisabled,
// after a bounded wait, and goes through as soon as the level is final.
import { HeraldError } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { awaitFeatureLevel, type FeatureNode } from '../src/feature-levels.js';
import { systemClock } from '../src/host/clock.js';
import { MetaState } from '../src/meta/meta-state.js';
import { FeatureLevel } from '../src/store-format.js';

function nodeWith(state: MetaState): FeatureNode {
  return { meta: { state }, clock: systemClock } as unknown as FeatureNode;
}

describe('awaitFeatureLevel', () => {
  it('refuses with FeatureDisabled, naming what needed it, while the level is not final', async () => {
    const err = await awaitFeatureLevel(nodeWith(new MetaState()), FeatureLevel.Transactions, 'a half message', 100).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HeraldError);
    expect(err).toMatchObject({ reason: 'FeatureDisabled', message: expect.stringContaining('a half message needs metadata feature level 2') });
  });

  it('goes on once the controller finalizes the level while it waits', async () => {
    const state = new MetaState();
    const waiting = awaitFeatureLevel(nodeWith(state), FeatureLevel.Transactions, 'a half message', 5_000);
    setTimeout(() => state.apply({ type: 'FinalizeFeatureLevel', level: FeatureLevel.Transactions }), 120);
    await expect(waiting).resolves.toBeUndefined();
    // Final: no wait at all.
    await expect(awaitFeatureLevel(nodeWith(state), FeatureLevel.Transactions, 'a half message', 0)).resolves.toBeUndefined();
  });
});
