import { strict as assert } from 'node:assert';
import { RangePlan } from '../../../../src/core/mendix/transfer/rangePlan';

const MIB = 1024 * 1024;

describe('RangePlan', () => {
  it('splits a size that is not a multiple of the range size into contiguous ranges covering every byte', () => {
    const total = 10 * MIB + 7;
    const plan = RangePlan.split(total, 8, MIB);
    assert.equal(plan.ranges.length, 8);
    assert.ok(RangePlan.valid(plan.ranges, total));
    const sizes = plan.ranges.map((r) => r.end - r.start);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, sizes.join(','));
    assert.equal(plan.doneBytes(), 0);
  });

  it('uses fewer connections than asked when the ranges would be smaller than the minimum', () => {
    assert.equal(RangePlan.split(3 * MIB, 8, MIB).ranges.length, 3);
    assert.equal(RangePlan.split(100, 8, MIB).ranges.length, 1);
    assert.deepEqual(RangePlan.split(0, 8, MIB).ranges, [{ start: 0, end: 0, pos: 0 }]);
    assert.ok(RangePlan.split(0, 8, MIB).complete());
  });

  it('hands out each range once, then takes over the back half of the biggest range in progress', () => {
    const plan = RangePlan.split(8 * MIB, 2, MIB);
    const a = plan.take();
    const b = plan.take();
    assert.ok(a && b && a !== b);
    a.pos = a.start + MIB;
    b.pos = b.end; // finished
    plan.release(b);
    const stolen = plan.take();
    // a had 3 MiB left: its owner keeps [1 MiB, 2.5 MiB), the new range gets [2.5 MiB, 4 MiB).
    assert.deepEqual(stolen, { start: 2.5 * MIB, end: 4 * MIB, pos: 2.5 * MIB });
    assert.equal(a.end, 2.5 * MIB);
    assert.ok(RangePlan.valid(plan.ranges, 8 * MIB));
    // Less than two minimum ranges left anywhere: nothing more to take.
    assert.equal(plan.take(), undefined);
  });

  it('records finished neighbours as one range and rejects records that do not tile the file', () => {
    const plan = RangePlan.split(4 * MIB, 4, MIB);
    plan.ranges[0].pos = plan.ranges[0].end;
    plan.ranges[1].pos = plan.ranges[1].start + 10;
    const snap = plan.snapshot();
    assert.deepEqual(snap[0], { start: 0, end: 2 * MIB, pos: MIB + 10 });
    assert.equal(snap.length, 3);
    assert.ok(RangePlan.valid(snap, 4 * MIB));
    assert.equal(new RangePlan(snap).doneBytes(), MIB + 10);
    assert.ok(!RangePlan.valid(snap, 5 * MIB), 'short of the total');
    assert.ok(!RangePlan.valid([{ start: 0, end: MIB, pos: 0 }, { start: MIB + 1, end: 4 * MIB, pos: MIB + 1 }], 4 * MIB), 'a gap');
    assert.ok(!RangePlan.valid([{ start: 0, end: 4 * MIB, pos: 5 * MIB }], 4 * MIB), 'pos past the end');
    assert.ok(!RangePlan.valid([], 0));
  });
});

describe('RangePlan pieces', () => {
  it('plans pieces in file order after the first one, folds a last sliver into the piece before, and tracks the part complete from byte 0', () => {
    const total = 10 * MIB + 100;
    const plan = RangePlan.pieces({ start: 0, end: 2 * MIB, pos: 2 * MIB }, total, MIB, MIB);
    assert.ok(RangePlan.valid(plan.ranges, total));
    assert.equal(plan.ranges.length, 9);
    assert.equal(plan.ranges.at(-1)?.end, total);
    assert.equal(plan.ranges.at(-1)?.start, 9 * MIB);
    assert.equal(plan.contiguousEnd(), 2 * MIB);
    const a = plan.take();
    const b = plan.take();
    assert.equal(a?.start, 2 * MIB, 'the lowest piece first');
    assert.equal(b?.start, 3 * MIB);
    if (!a || !b) return;
    b.pos = b.end;
    assert.equal(plan.contiguousEnd(), 2 * MIB, 'a gap at piece a');
    a.pos = a.start + 10;
    assert.equal(plan.contiguousEnd(), 2 * MIB + 10);
    a.pos = a.end;
    assert.equal(plan.contiguousEnd(), 4 * MIB);
  });

  it('shrinks the pieces toward the end to a share of what is left per connection, so little is left to read after the last byte', () => {
    const total = 1024 * MIB + 12345;
    const plan = RangePlan.pieces({ start: 0, end: 8 * MIB, pos: 0 }, total, 32 * MIB, 4 * MIB, 8);
    assert.ok(RangePlan.valid(plan.ranges, total));
    const sizes = plan.ranges.slice(1).map((r) => r.end - r.start);
    assert.equal(sizes[0], 32 * MIB, 'full-size pieces while much is left');
    for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i] <= sizes[i - 1], `piece ${i} (${sizes[i]}) is not larger than the one before (${sizes[i - 1]})`);
    assert.ok(sizes.slice(0, -1).every((n) => n >= 4 * MIB), 'no piece but the last below the smallest split');
    // The last eight, in flight together at the end, are near the smallest split (the sliver rides on the last).
    for (const n of sizes.slice(-8)) assert.ok(n <= 5 * MIB, `a last piece of ${n} bytes`);
    // With one connection the pieces keep their size to the end.
    const one = RangePlan.pieces({ start: 0, end: 8 * MIB, pos: 0 }, total, 32 * MIB, 4 * MIB, 1);
    assert.ok(one.ranges.slice(1, -1).every((r) => r.end - r.start === 32 * MIB));
  });
});
